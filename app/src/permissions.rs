//! The permission catalog, the predefined role bundles and the effective-permission rule, shared by
//! the server (which enforces) and the UI (which hides what the user cannot do).

use crate::roles::Role;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

macro_rules! catalog {
    ($( $variant:ident => $key:literal, $group:ident, $label:literal; )*) => {
        /// One thing a member may do. Stored and sent as its dotted key (`clients.view`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Permission { $( $variant, )* }

        impl Permission {
            /// Every permission, in catalog order.
            pub const ALL: &'static [Permission] = &[ $( Permission::$variant, )* ];

            pub fn key(self) -> &'static str {
                match self { $( Permission::$variant => $key, )* }
            }

            /// What the permission lets a member do, for the team settings page.
            pub fn label(self) -> &'static str {
                match self { $( Permission::$variant => $label, )* }
            }

            pub fn group(self) -> Group {
                match self { $( Permission::$variant => Group::$group, )* }
            }

            pub fn from_key(key: &str) -> Option<Permission> {
                match key { $( $key => Some(Permission::$variant), )* _ => None }
            }
        }
    };
}

impl Permission {
    /// Permissions that only let a member see things.
    pub fn only_reads(self) -> bool {
        use Permission::*;
        matches!(
            self,
            ClientsView
                | ProjectsView
                | TasksView
                | TimeViewOwn
                | TimeViewAll
                | InvoicesView
                | ExpensesView
                | DashboardView
                | ReportsViewProfit
                | TeamView
                | SettingsView
        )
    }
}

catalog! {
    ClientsView => "clients.view", Clients, "View clients";
    ClientsCreate => "clients.create", Clients, "Create clients (and import them)";
    ClientsEdit => "clients.edit", Clients, "Edit clients and add notes";
    ClientsArchive => "clients.archive", Clients, "Archive and restore clients";
    ClientsManageRates => "clients.manageRates", Clients, "Manage client rates and budgets";
    ProjectsView => "projects.view", Projects, "View projects";
    ProjectsCreate => "projects.create", Projects, "Create projects";
    ProjectsEdit => "projects.edit", Projects, "Edit projects (details, status, rates)";
    TasksView => "tasks.view", Tasks, "View tasks";
    TasksCreate => "tasks.create", Tasks, "Create tasks";
    TasksEdit => "tasks.edit", Tasks, "Edit tasks and move them on the board";
    TasksDelete => "tasks.delete", Tasks, "Delete tasks";
    TimeLog => "time.log", Time, "Track time (timer and manual entries)";
    TimeViewOwn => "time.viewOwn", Time, "See their own time";
    TimeViewAll => "time.viewAll", Time, "See everyone's time";
    TimeEdit => "time.edit", Time, "Edit time entry notes";
    TimeDelete => "time.delete", Time, "Delete time entries";
    TimeManageOthers => "time.manageOthers", Time, "Edit and delete teammates' time entries";
    InvoicesView => "invoices.view", Invoices, "View invoices and look up exchange rates";
    InvoicesCreate => "invoices.create", Invoices, "Create draft invoices";
    InvoicesEdit => "invoices.edit", Invoices, "Edit drafts (lines, details, notes)";
    InvoicesIssue => "invoices.issue", Invoices, "Issue invoices";
    InvoicesMarkPaid => "invoices.markPaid", Invoices, "Mark invoices paid";
    InvoicesConfigure => "invoices.configure", Invoices, "Configure invoice numbering";
    InvoicesVoid => "invoices.void", Invoices, "Void issued invoices and issue credit notes";
    InvoicesDelete => "invoices.delete", Invoices, "Delete draft invoices";
    InvoicesManageRecurring => "invoices.manageRecurring", Invoices, "Manage recurring invoices";
    ExpensesView => "expenses.view", Expenses, "View expenses and receipts";
    ExpensesCreate => "expenses.create", Expenses, "Record expenses";
    ExpensesEdit => "expenses.edit", Expenses, "Edit expenses";
    ExpensesApprove => "expenses.approve", Expenses, "Mark expenses paid or unpaid";
    ExpensesDelete => "expenses.delete", Expenses, "Delete expenses";
    DashboardView => "dashboard.view", Insights, "See the dashboard";
    ReportsViewProfit => "reports.viewProfit", Reports, "See profit reports and internal costs";
    TeamView => "team.view", Team, "See the team";
    TeamInvite => "team.invite", Team, "Invite people and revoke invitations";
    TeamRemoveMember => "team.removeMember", Team, "Remove members";
    TeamManageRoles => "team.manageRoles", Team, "Manage roles and individual permissions";
    SettingsView => "settings.view", Settings, "See business settings";
    SettingsEdit => "settings.edit", Settings, "Edit business settings (name, address, currency, tax)";
    BrandingEdit => "branding.edit", Settings, "Edit branding (logo, colour, footer)";
    SettingsManageUpdates => "settings.manageUpdates", Settings, "Manage update checks";
    DataExport => "data.export", Settings, "Export all business data";
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl Serialize for Permission {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for Permission {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let key = String::deserialize(deserializer)?;
        Permission::from_key(&key).ok_or_else(|| serde::de::Error::custom(format!("unknown permission {key:?}")))
    }
}

/// Display groups of the catalog, in the order the settings page lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    Clients,
    Projects,
    Tasks,
    Time,
    Invoices,
    Expenses,
    Insights,
    Reports,
    Team,
    Settings,
}

impl Group {
    pub const ALL: [Group; 10] = [
        Group::Clients,
        Group::Projects,
        Group::Tasks,
        Group::Time,
        Group::Invoices,
        Group::Expenses,
        Group::Insights,
        Group::Reports,
        Group::Team,
        Group::Settings,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Group::Clients => "Clients",
            Group::Projects => "Projects",
            Group::Tasks => "Tasks",
            Group::Time => "Time",
            Group::Invoices => "Invoices",
            Group::Expenses => "Expenses",
            Group::Insights => "Insights",
            Group::Reports => "Reports",
            Group::Team => "Team",
            Group::Settings => "Settings",
        }
    }

    pub fn permissions(self) -> impl Iterator<Item = Permission> {
        Permission::ALL.iter().copied().filter(move |p| p.group() == self)
    }
}

/// A set of permissions as a bit set (the catalog has fewer than 64 entries). Copy, cheap to test.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PermissionSet(u64);

impl PermissionSet {
    pub const EMPTY: PermissionSet = PermissionSet(0);

    pub fn all() -> Self {
        Permission::ALL.iter().copied().collect()
    }

    pub fn contains(self, permission: Permission) -> bool {
        self.0 & Self::bit(permission) != 0
    }

    pub fn with(self, permission: Permission) -> Self {
        PermissionSet(self.0 | Self::bit(permission))
    }

    pub fn without(self, permission: Permission) -> Self {
        PermissionSet(self.0 & !Self::bit(permission))
    }

    pub fn union(self, other: Self) -> Self {
        PermissionSet(self.0 | other.0)
    }

    pub fn difference(self, other: Self) -> Self {
        PermissionSet(self.0 & !other.0)
    }

    pub fn is_subset_of(self, other: Self) -> bool {
        self.0 & !other.0 == 0
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::ALL.iter().copied().filter(move |p| self.contains(*p))
    }

    /// What a member keeps while their business is suspended: seeing, never changing (nor
    /// exporting).
    pub fn while_suspended(self) -> Self {
        self.iter().filter(|p| p.only_reads()).collect()
    }

    fn bit(permission: Permission) -> u64 {
        1 << (permission as u32)
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        iter.into_iter().fold(PermissionSet::EMPTY, PermissionSet::with)
    }
}

impl fmt::Debug for PermissionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter().map(Permission::key)).finish()
    }
}

impl Serialize for PermissionSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for PermissionSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Vec::<Permission>::deserialize(deserializer)?.into_iter().collect())
    }
}

/// The bundle a predefined role carries. `Custom` carries nothing by itself: its permissions are the
/// business-defined role's.
pub fn role_bundle(role: Role) -> PermissionSet {
    use Permission::*;
    let member: PermissionSet = [
        ClientsView,
        ClientsCreate,
        ClientsEdit,
        ClientsArchive,
        ClientsManageRates,
        ProjectsView,
        ProjectsCreate,
        ProjectsEdit,
        TasksView,
        TasksCreate,
        TasksEdit,
        TasksDelete,
        TimeLog,
        TimeViewOwn,
        TimeViewAll,
        TimeEdit,
        TimeDelete,
        InvoicesView,
        InvoicesCreate,
        InvoicesEdit,
        InvoicesIssue,
        InvoicesMarkPaid,
        InvoicesVoid,
        InvoicesDelete,
        InvoicesManageRecurring,
        ExpensesView,
        ExpensesCreate,
        ExpensesEdit,
        ExpensesApprove,
        ExpensesDelete,
        DashboardView,
        SettingsView,
        TeamView,
    ]
    .into_iter()
    .collect();
    match role {
        Role::Owner | Role::Admin => PermissionSet::all(),
        Role::Manager => member.with(TeamInvite).with(TeamRemoveMember).with(TimeManageOthers),
        Role::Member => member,
        Role::Accountant => [
            ClientsView,
            ProjectsView,
            TasksView,
            TimeViewOwn,
            TimeViewAll,
            InvoicesView,
            InvoicesCreate,
            InvoicesEdit,
            InvoicesIssue,
            InvoicesMarkPaid,
            InvoicesConfigure,
            InvoicesVoid,
            InvoicesDelete,
            InvoicesManageRecurring,
            ExpensesView,
            ExpensesCreate,
            ExpensesEdit,
            ExpensesApprove,
            ExpensesDelete,
            DashboardView,
            ReportsViewProfit,
            SettingsView,
            TeamView,
        ]
        .into_iter()
        .collect(),
        Role::Contractor => [ProjectsView, TasksView, TimeLog, TimeViewOwn, DashboardView].into_iter().collect(),
        Role::Viewer => {
            [ClientsView, ProjectsView, TasksView, TimeViewOwn, InvoicesView, ExpensesView, DashboardView, TeamView]
                .into_iter()
                .collect()
        }
        Role::Custom => PermissionSet::EMPTY,
    }
}

/// Effective permissions: the role's (or the custom role's) bundle, plus grants, minus denies.
/// Owners always hold everything; overrides are ignored for them.
pub fn effective(
    role: Role,
    custom_role: PermissionSet,
    grants: PermissionSet,
    denies: PermissionSet,
) -> PermissionSet {
    if role == Role::Owner {
        return PermissionSet::all();
    }
    let base = if role == Role::Custom { custom_role } else { role_bundle(role) };
    base.union(grants).difference(denies)
}

/// Stored permission keys as a set; keys no longer in the catalog are ignored (a permission removed
/// from Clerq simply stops counting).
pub fn from_keys(keys: &[String]) -> PermissionSet {
    keys.iter().filter_map(|k| Permission::from_key(k)).collect()
}

/// A membership's effective permissions from its stored parts: the role, the custom role's keys,
/// and the member's granted and denied keys.
pub fn effective_from_stored(
    role: Role,
    custom: Option<&[String]>,
    grants: &[String],
    denies: &[String],
) -> PermissionSet {
    effective(role, from_keys(custom.unwrap_or_default()), from_keys(grants), from_keys(denies))
}

/// The predefined roles `actor` may give someone: owners may give any; everyone else every role but owner.
pub fn assignable_roles(actor: Role) -> Vec<Role> {
    Role::PREDEFINED.into_iter().filter(|r| actor == Role::Owner || *r != Role::Owner).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    #[test]
    fn the_catalog_has_the_37_documented_permissions_plus_the_6_later_ones() {
        assert_eq!(Permission::ALL.len(), 43);
        assert!(Permission::ALL.len() < 64, "PermissionSet is a u64");
        // time.manageOthers: seeing everyone's time (time.viewAll) no longer lets anyone change it.
        let later = [
            InvoicesVoid,
            InvoicesDelete,
            InvoicesManageRecurring,
            DataExport,
            SettingsManageUpdates,
            TimeManageOthers,
        ];
        assert_eq!(Permission::ALL.iter().filter(|p| !later.contains(p)).count(), 37);
    }

    #[test]
    fn keys_are_unique_and_round_trip() {
        for p in Permission::ALL {
            assert_eq!(Permission::from_key(p.key()), Some(*p));
            assert_eq!(serde_json::to_string(p).expect("json"), format!("\"{}\"", p.key()));
        }
        let keys: std::collections::HashSet<_> = Permission::ALL.iter().map(|p| p.key()).collect();
        assert_eq!(keys.len(), Permission::ALL.len());
        assert_eq!(Permission::from_key("clients.destroy"), None);
    }

    #[test]
    fn every_permission_belongs_to_a_listed_group() {
        let grouped: usize = Group::ALL.iter().map(|g| g.permissions().count()).sum();
        assert_eq!(grouped, Permission::ALL.len());
        assert_eq!(Group::Clients.permissions().count(), 5);
        assert_eq!(Group::Invoices.permissions().count(), 9);
    }

    #[test]
    fn owner_and_admin_hold_everything() {
        assert_eq!(role_bundle(Role::Owner), PermissionSet::all());
        assert_eq!(role_bundle(Role::Admin), PermissionSet::all());
    }

    #[test]
    fn bundles_match_the_documented_roles() {
        let member = role_bundle(Role::Member);
        assert_eq!(member.len(), 33);
        assert!(
            !member.contains(InvoicesConfigure) && !member.contains(TeamInvite) && !member.contains(ReportsViewProfit)
        );
        assert!(!member.contains(SettingsEdit) && !member.contains(DataExport));

        let manager = role_bundle(Role::Manager);
        assert_eq!(manager, member.with(TeamInvite).with(TeamRemoveMember).with(TimeManageOthers));
        assert!(!member.contains(TimeManageOthers), "members change only their own time");
        assert!(!manager.contains(TeamManageRoles) && !manager.contains(SettingsEdit));

        let accountant = role_bundle(Role::Accountant);
        assert!(accountant.contains(InvoicesConfigure) && accountant.contains(ReportsViewProfit));
        assert!(!accountant.contains(ClientsEdit) && !accountant.contains(TimeLog) && !accountant.contains(TeamInvite));

        let contractor = role_bundle(Role::Contractor);
        assert_eq!(contractor, [ProjectsView, TasksView, TimeLog, TimeViewOwn, DashboardView].into_iter().collect());

        let viewer = role_bundle(Role::Viewer);
        assert_eq!(viewer.len(), 8);
        assert!(viewer.iter().all(|p| p.key().ends_with(".view") || p == TimeViewOwn), "{viewer:?}");

        for role in [Role::Manager, Role::Member, Role::Accountant, Role::Contractor, Role::Viewer] {
            let bundle = role_bundle(role);
            assert!(!bundle.contains(DataExport) && !bundle.contains(SettingsManageUpdates), "{role:?}");
        }
    }

    #[test]
    fn effective_permissions_are_role_plus_grants_minus_denies() {
        let grants: PermissionSet = [SettingsView, ClientsView].into_iter().collect();
        let denies: PermissionSet = [TimeLog].into_iter().collect();
        let result = effective(Role::Contractor, PermissionSet::EMPTY, grants, denies);
        assert!(result.contains(SettingsView) && result.contains(ClientsView) && result.contains(ProjectsView));
        assert!(!result.contains(TimeLog));
        // A permission both granted and denied is denied: deny always wins.
        let both: PermissionSet = [SettingsView].into_iter().collect();
        assert!(!effective(Role::Viewer, PermissionSet::EMPTY, both, both).contains(SettingsView));
    }

    #[test]
    fn custom_roles_start_from_their_own_permissions() {
        let custom: PermissionSet = [ClientsView, InvoicesView].into_iter().collect();
        assert_eq!(effective(Role::Custom, custom, PermissionSet::EMPTY, PermissionSet::EMPTY), custom);
        let denied: PermissionSet = [InvoicesView].into_iter().collect();
        assert_eq!(effective(Role::Custom, custom, PermissionSet::EMPTY, denied), [ClientsView].into_iter().collect());
    }

    #[test]
    fn owners_ignore_overrides() {
        let everything = PermissionSet::all();
        assert_eq!(effective(Role::Owner, PermissionSet::EMPTY, PermissionSet::EMPTY, everything), everything);
    }

    #[test]
    fn only_owners_may_give_the_owner_role() {
        assert_eq!(assignable_roles(Role::Owner).len(), 7);
        for actor in [Role::Admin, Role::Manager, Role::Member] {
            let roles = assignable_roles(actor);
            assert_eq!(roles.len(), 6);
            assert!(!roles.contains(&Role::Owner));
        }
    }

    #[test]
    fn permission_sets_serialize_as_key_lists() {
        let set: PermissionSet = [TeamView, ClientsView].into_iter().collect();
        let json = serde_json::to_string(&set).expect("json");
        assert_eq!(json, r#"["clients.view","team.view"]"#);
        assert_eq!(serde_json::from_str::<PermissionSet>(&json).expect("parse"), set);
        assert!(set.is_subset_of(PermissionSet::all()) && !PermissionSet::all().is_subset_of(set));
    }

    #[test]
    fn stored_keys_become_permissions_and_unknown_ones_are_ignored() {
        let keys = |list: &[&str]| list.iter().map(|k| (*k).to_owned()).collect::<Vec<_>>();
        let custom = keys(&["clients.view", "clients.retired"]);
        let set = effective_from_stored(Role::Custom, Some(&custom), &keys(&["team.view"]), &keys(&["clients.view"]));
        assert_eq!(set, [Permission::TeamView].into_iter().collect(), "custom + grants − denies");
        assert_eq!(from_keys(&keys(&["nope"])), PermissionSet::EMPTY);
        assert_eq!(effective_from_stored(Role::Owner, None, &[], &keys(&["clients.view"])), PermissionSet::all());
    }
}
