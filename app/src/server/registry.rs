//! Every server function with the access it requires. The authorization-matrix test walks this list
//! (and fails when a registered server function is missing from it), so the permission each
//! function checks on its first line is also proven here.

use crate::permissions::Permission;
use server_fn::ServerFn;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account, whatever its businesses.
    SignedIn,
    /// A member of the active business holding the permission.
    Permission(Permission),
    /// A platform admin (`server grant-admin`); anyone else gets `NotFound`.
    PlatformAdmin,
}

#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub path: &'static str,
    pub access: Access,
}

macro_rules! registry {
    ($( $function:ty => $access:expr, )*) => {
        pub const SERVER_FUNCTIONS: &[Entry] = &[ $( Entry { path: <$function as ServerFn>::PATH, access: $access }, )* ];
    };
}

use crate::admin::{GetSystemOverview, SuspendBusiness, UnsuspendBusiness};
use crate::auth::{GetSession, SignIn, SignOut, SignOutEverywhere, SignUp};
use crate::branding::{GetBranding, UpdateBranding};
use crate::budgets::GetBudgets;
use crate::business::{CreateBusiness, SwitchBusiness};
use crate::clients::{
    AddClientNote, ArchiveClient, ClientTimeline, CreateClient, GetClient, GetClientOverview, ListClients,
    ListMemberRates, RemoveMemberRate, RestoreClient, SetClientBillingRounding, SetMemberRate, UpdateClient,
};
use crate::connected_apps::{CreatePersonalToken, ListConnectedApps, RevokeConnectedApp};
use crate::dashboard::DashboardSummary;
use crate::expenses::{
    CreateExpense, DeleteExpense, ExpenseFormChoices, GetExpense, ListExpenses, SetExpenseStatus, UpdateExpense,
};
use crate::import::{AnalyzeImport, ImportClientRows, ImportClients};
use crate::invoices::{
    AddInvoiceExpenses, AddInvoiceLine, ConfigureNextNumber, CreateInvoice, CreditInvoice, DeleteInvoice,
    DeleteInvoiceLine, DuplicateInvoice, FetchRate, GenerateInvoiceLines, GetInvoice, GetInvoiceSettings, IssueInvoice,
    ListInvoices, MarkInvoicePaid, MoveInvoiceLine, NewInvoiceDefaults, SetBillingRounding, SetInvoiceNotes,
    UpdateInvoiceDetails, UpdateInvoiceLine, UpdateInvoiceSettings, VoidInvoice,
};
use crate::oauth::GetConsent;
use crate::projects::{CreateProject, GetProject, ListProjects, UpdateProject};
use crate::recurring::{
    CreateSchedule, DeleteSchedule, GenerateScheduleNow, GetSchedule, GetScheduleForEdit, ListGeneratedInvoices,
    ListSchedules, ScheduleFormChoices, SetScheduleStatus, UpdateSchedule,
};
use crate::reports::{GetProfitReport, GetTrends};
use crate::settings::{GetBusinessSettings, UpdateBusinessSettings};
use crate::tasks::{CreateTask, DeleteTask, ListOpenTasks, ListTasks, SearchTasks, SetTaskStatus, UpdateTask};
use crate::team::{
    AcceptInvitation, CreateRole, DeleteRole, GetInvitation, GetTeam, InviteMember, RegenerateInvitation, RemoveMember,
    RevokeInvitation, SetMemberPermission, SetMemberRole, UpdateRole,
};
use crate::time::{
    DeleteTimeEntry, GetRunningTimer, GetTimesheet, ListTaskTime, ListTimeEntries, LogTime, StartTimer, StopTimer,
    StopTimerAt, UpdateTimeNote,
};
use crate::updates::{CheckForUpdates, GetUpdateStatus, SetUpdateChecks};
use Access::*;

registry! {
    SignUp => Public,
    SignIn => Public,
    GetSession => Public,
    GetInvitation => Public,
    // Signing out without a session is a harmless no-op that clears the cookie.
    SignOut => Public,
    CreateBusiness => SignedIn,
    SignOutEverywhere => SignedIn,
    SwitchBusiness => SignedIn,
    AcceptInvitation => SignedIn,
    GetConsent => SignedIn,
    // Each person sees and revokes only their own; a token acts with its member's permissions.
    ListConnectedApps => SignedIn,
    CreatePersonalToken => SignedIn,
    RevokeConnectedApp => SignedIn,
    GetBusinessSettings => Permission(Permission::SettingsView),
    UpdateBusinessSettings => Permission(Permission::SettingsEdit),
    GetBranding => Permission(Permission::SettingsView),
    UpdateBranding => Permission(Permission::BrandingEdit),
    GetTeam => Permission(Permission::TeamView),
    InviteMember => Permission(Permission::TeamInvite),
    RevokeInvitation => Permission(Permission::TeamInvite),
    RegenerateInvitation => Permission(Permission::TeamInvite),
    RemoveMember => Permission(Permission::TeamRemoveMember),
    SetMemberRole => Permission(Permission::TeamManageRoles),
    SetMemberPermission => Permission(Permission::TeamManageRoles),
    CreateRole => Permission(Permission::TeamManageRoles),
    UpdateRole => Permission(Permission::TeamManageRoles),
    DeleteRole => Permission(Permission::TeamManageRoles),
    DashboardSummary => Permission(Permission::DashboardView),
    GetProfitReport => Permission(Permission::ReportsViewProfit),
    GetBudgets => Permission(Permission::ReportsViewProfit),
    GetTrends => Permission(Permission::ReportsViewProfit),
    ListClients => Permission(Permission::ClientsView),
    GetClient => Permission(Permission::ClientsView),
    GetClientOverview => Permission(Permission::ClientsView),
    ClientTimeline => Permission(Permission::ClientsView),
    ListMemberRates => Permission(Permission::ClientsView),
    CreateClient => Permission(Permission::ClientsCreate),
    UpdateClient => Permission(Permission::ClientsEdit),
    AddClientNote => Permission(Permission::ClientsEdit),
    ArchiveClient => Permission(Permission::ClientsArchive),
    RestoreClient => Permission(Permission::ClientsArchive),
    SetMemberRate => Permission(Permission::ClientsManageRates),
    RemoveMemberRate => Permission(Permission::ClientsManageRates),
    AnalyzeImport => Permission(Permission::ClientsCreate),
    ImportClients => Permission(Permission::ClientsCreate),
    ImportClientRows => Permission(Permission::ClientsCreate),
    ListProjects => Permission(Permission::ProjectsView),
    GetProject => Permission(Permission::ProjectsView),
    CreateProject => Permission(Permission::ProjectsCreate),
    UpdateProject => Permission(Permission::ProjectsEdit),
    ListTasks => Permission(Permission::TasksView),
    CreateTask => Permission(Permission::TasksCreate),
    UpdateTask => Permission(Permission::TasksEdit),
    SetTaskStatus => Permission(Permission::TasksEdit),
    DeleteTask => Permission(Permission::TasksDelete),
    ListOpenTasks => Permission(Permission::TasksView),
    SearchTasks => Permission(Permission::TasksView),
    GetRunningTimer => Permission(Permission::TimeLog),
    StartTimer => Permission(Permission::TimeLog),
    StopTimer => Permission(Permission::TimeLog),
    StopTimerAt => Permission(Permission::TimeLog),
    LogTime => Permission(Permission::TimeLog),
    GetTimesheet => Permission(Permission::TimeViewOwn),
    ListTaskTime => Permission(Permission::TimeViewOwn),
    ListTimeEntries => Permission(Permission::TimeViewOwn),
    UpdateTimeNote => Permission(Permission::TimeEdit),
    DeleteTimeEntry => Permission(Permission::TimeDelete),
    ListInvoices => Permission(Permission::InvoicesView),
    GetInvoice => Permission(Permission::InvoicesView),
    FetchRate => Permission(Permission::InvoicesView),
    NewInvoiceDefaults => Permission(Permission::InvoicesCreate),
    CreateInvoice => Permission(Permission::InvoicesCreate),
    DuplicateInvoice => Permission(Permission::InvoicesCreate),
    UpdateInvoiceDetails => Permission(Permission::InvoicesEdit),
    SetInvoiceNotes => Permission(Permission::InvoicesEdit),
    AddInvoiceLine => Permission(Permission::InvoicesEdit),
    UpdateInvoiceLine => Permission(Permission::InvoicesEdit),
    DeleteInvoiceLine => Permission(Permission::InvoicesEdit),
    MoveInvoiceLine => Permission(Permission::InvoicesEdit),
    GenerateInvoiceLines => Permission(Permission::InvoicesEdit),
    AddInvoiceExpenses => Permission(Permission::InvoicesEdit),
    IssueInvoice => Permission(Permission::InvoicesIssue),
    MarkInvoicePaid => Permission(Permission::InvoicesMarkPaid),
    VoidInvoice => Permission(Permission::InvoicesVoid),
    CreditInvoice => Permission(Permission::InvoicesVoid),
    DeleteInvoice => Permission(Permission::InvoicesDelete),
    GetInvoiceSettings => Permission(Permission::SettingsView),
    UpdateInvoiceSettings => Permission(Permission::SettingsEdit),
    SetBillingRounding => Permission(Permission::SettingsEdit),
    SetClientBillingRounding => Permission(Permission::ClientsManageRates),
    ConfigureNextNumber => Permission(Permission::InvoicesConfigure),
    ListExpenses => Permission(Permission::ExpensesView),
    GetExpense => Permission(Permission::ExpensesView),
    ExpenseFormChoices => Permission(Permission::ExpensesView),
    CreateExpense => Permission(Permission::ExpensesCreate),
    UpdateExpense => Permission(Permission::ExpensesEdit),
    SetExpenseStatus => Permission(Permission::ExpensesApprove),
    DeleteExpense => Permission(Permission::ExpensesDelete),
    GetUpdateStatus => Permission(Permission::SettingsView),
    CheckForUpdates => Permission(Permission::SettingsManageUpdates),
    SetUpdateChecks => Permission(Permission::SettingsManageUpdates),
    GetSystemOverview => PlatformAdmin,
    SuspendBusiness => PlatformAdmin,
    UnsuspendBusiness => PlatformAdmin,
    ListSchedules => Permission(Permission::InvoicesManageRecurring),
    GetSchedule => Permission(Permission::InvoicesManageRecurring),
    GetScheduleForEdit => Permission(Permission::InvoicesManageRecurring),
    ListGeneratedInvoices => Permission(Permission::InvoicesManageRecurring),
    ScheduleFormChoices => Permission(Permission::InvoicesManageRecurring),
    CreateSchedule => Permission(Permission::InvoicesManageRecurring),
    UpdateSchedule => Permission(Permission::InvoicesManageRecurring),
    SetScheduleStatus => Permission(Permission::InvoicesManageRecurring),
    GenerateScheduleNow => Permission(Permission::InvoicesManageRecurring),
    DeleteSchedule => Permission(Permission::InvoicesManageRecurring),
}

pub fn access_of(path: &str) -> Option<Access> {
    SERVER_FUNCTIONS.iter().find(|e| e.path == path).map(|e| e.access)
}

/// Server functions that never change what a session shows (the account, its memberships and
/// permissions, the businesses' names and settings, logos, the running timer). Browsers call them
/// with POST, but they leave the [session cache](crate::server::session_cache) valid; every other
/// POST empties it.
pub const SESSION_NEUTRAL: &[&str] = &[
    <GetSession as ServerFn>::PATH,
    <GetInvitation as ServerFn>::PATH,
    <GetConsent as ServerFn>::PATH,
    <ListConnectedApps as ServerFn>::PATH,
    <GetBusinessSettings as ServerFn>::PATH,
    <GetBranding as ServerFn>::PATH,
    <GetTeam as ServerFn>::PATH,
    <DashboardSummary as ServerFn>::PATH,
    <GetProfitReport as ServerFn>::PATH,
    <GetBudgets as ServerFn>::PATH,
    <GetTrends as ServerFn>::PATH,
    <ListClients as ServerFn>::PATH,
    <GetClient as ServerFn>::PATH,
    <GetClientOverview as ServerFn>::PATH,
    <ClientTimeline as ServerFn>::PATH,
    <ListMemberRates as ServerFn>::PATH,
    <AnalyzeImport as ServerFn>::PATH,
    <ListProjects as ServerFn>::PATH,
    <GetProject as ServerFn>::PATH,
    <ListTasks as ServerFn>::PATH,
    <ListOpenTasks as ServerFn>::PATH,
    <SearchTasks as ServerFn>::PATH,
    <GetRunningTimer as ServerFn>::PATH,
    <GetTimesheet as ServerFn>::PATH,
    <ListTaskTime as ServerFn>::PATH,
    <ListTimeEntries as ServerFn>::PATH,
    <ListInvoices as ServerFn>::PATH,
    <GetInvoice as ServerFn>::PATH,
    <FetchRate as ServerFn>::PATH,
    <NewInvoiceDefaults as ServerFn>::PATH,
    <GetInvoiceSettings as ServerFn>::PATH,
    <ListExpenses as ServerFn>::PATH,
    <GetExpense as ServerFn>::PATH,
    <ExpenseFormChoices as ServerFn>::PATH,
    <ListSchedules as ServerFn>::PATH,
    <GetSchedule as ServerFn>::PATH,
    <GetUpdateStatus as ServerFn>::PATH,
    <GetScheduleForEdit as ServerFn>::PATH,
    <ListGeneratedInvoices as ServerFn>::PATH,
    <ScheduleFormChoices as ServerFn>::PATH,
];

/// Whether answering `method path` may have changed a session's data.
pub fn may_change_sessions(method: &http::Method, path: &str) -> bool {
    !(method.is_safe() || SESSION_NEUTRAL.contains(&path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_neutral_functions_are_registered_reads() {
        for path in SESSION_NEUTRAL {
            assert!(access_of(path).is_some(), "{path} is not a registered server function");
        }
        assert!(!may_change_sessions(&http::Method::POST, <ListClients as ServerFn>::PATH));
        assert!(may_change_sessions(&http::Method::POST, <StartTimer as ServerFn>::PATH));
        assert!(may_change_sessions(&http::Method::POST, "/api/branding/logo"));
        assert!(!may_change_sessions(&http::Method::GET, "/clients"));
    }
}
