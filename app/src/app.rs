//! The HTML shell and the route table.

use crate::components::layout::AppShell;
use crate::routes::clients::{
    detail::ClientDetailPage,
    form::{EditClientPage, NewClientPage},
    list::ClientsPage,
};
use crate::routes::expenses::{
    detail::ExpenseDetailPage,
    form::{EditExpensePage, NewExpensePage},
    list::ExpensesPage,
};
use crate::routes::invoices::{detail::InvoiceDetailPage, list::InvoicesPage, new::NewInvoicePage};
use crate::routes::projects::{
    detail::ProjectDetailPage,
    form::{EditProjectPage, NewProjectPage},
    list::ProjectsPage,
};
use crate::routes::recurring::{
    detail::ScheduleDetailPage,
    form::{EditSchedulePage, NewSchedulePage},
    list::SchedulesPage,
};
use crate::routes::settings::{
    branding::BrandingPage, connected_apps::ConnectedAppsPage, data::DataSettingsPage, general::GeneralSettingsPage,
    import::ImportPage, system::SystemSettingsPage, team::TeamPage, SettingsLayout,
};
use crate::routes::{
    dashboard::DashboardPage,
    invite::InvitePage,
    new_business::NewBusinessPage,
    not_found::NotFound,
    oauth_consent::ConsentPage,
    onboarding::OnboardingPage,
    reports::{BudgetsPage, ReportsPage},
    sign_in::SignInPage,
    sign_up::SignUpPage,
    system_admin::SystemAdminPage,
    time::TimesheetPage,
    trends::TrendsPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                // "Add to Home Screen" opens Clerq in its own window, with its own icon.
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
                <meta name="theme-color" content="#1a6e64" />
                <meta name="mobile-web-app-capable" content="yes" />
                <meta name="apple-mobile-web-app-title" content="Clerq" />
                <HashedStylesheet id="leptos" options=options.clone() />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Every page renders completely on the server before it is sent (Async), so it works with
    // JavaScript off and redirects/status codes are set before the first byte.
    let ssr = SsrMode::Async;
    view! {
        <Title formatter=|title: String| if title.is_empty() { "Clerq".to_owned() } else { format!("{title} · Clerq") } />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/sign-in") view={Lazy::<lazy::SignInPage>::new()} ssr=ssr.clone() />
                <Route path=path!("/sign-up") view={Lazy::<lazy::SignUpPage>::new()} ssr=ssr.clone() />
                <Route path=path!("/onboarding") view={Lazy::<lazy::OnboardingPage>::new()} ssr=ssr.clone() />
                <Route path=path!("/invite/:token") view={Lazy::<lazy::InvitePage>::new()} ssr=ssr.clone() />
                <Route path=path!("/oauth/consent") view={Lazy::<lazy::ConsentPage>::new()} ssr=ssr.clone() />
                // Outside the app shell: an operator needs no business of their own.
                <Route path=path!("/system-admin") view={Lazy::<lazy::SystemAdminPage>::new()} ssr=ssr.clone() />
                <ParentRoute path=path!("") view=AppShell ssr=ssr.clone()>
                    <Route path=path!("") view={Lazy::<lazy::DashboardPage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/businesses/new") view={Lazy::<lazy::NewBusinessPage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/clients") view={Lazy::<lazy::ClientsPage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/clients/new") view={Lazy::<lazy::NewClientPage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/clients/:id") view={Lazy::<lazy::ClientDetailPage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/clients/:id/edit") view={Lazy::<lazy::EditClientPage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/projects") view={Lazy::<lazy::ProjectsPage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/time") view={Lazy::<lazy::TimesheetPage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/invoices") view={Lazy::<lazy::InvoicesPage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/invoices/new") view={Lazy::<lazy::NewInvoicePage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/invoices/recurring") view={Lazy::<lazy::SchedulesPage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/invoices/recurring/new") view={Lazy::<lazy::NewSchedulePage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/invoices/recurring/:id") view={Lazy::<lazy::ScheduleDetailPage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/invoices/recurring/:id/edit") view={Lazy::<lazy::EditSchedulePage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/invoices/:id") view={Lazy::<lazy::InvoiceDetailPage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/reports") view={Lazy::<lazy::ReportsPage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/reports/budgets") view={Lazy::<lazy::BudgetsPage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/reports/trends") view={Lazy::<lazy::TrendsPage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/expenses") view={Lazy::<lazy::ExpensesPage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/expenses/new") view={Lazy::<lazy::NewExpensePage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/expenses/:id") view={Lazy::<lazy::ExpenseDetailPage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/expenses/:id/edit") view={Lazy::<lazy::EditExpensePage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/projects/new") view={Lazy::<lazy::NewProjectPage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/projects/:id") view={Lazy::<lazy::ProjectDetailPage>::new()} ssr=ssr.clone() />
                    <Route path=path!("/projects/:id/edit") view={Lazy::<lazy::EditProjectPage>::new()} ssr=ssr.clone() />
                    <ParentRoute path=path!("/settings") view=SettingsLayout ssr=ssr.clone()>
                        <Route path=path!("") view={Lazy::<lazy::GeneralSettingsPage>::new()} ssr=ssr.clone() />
                        <Route path=path!("/branding") view={Lazy::<lazy::BrandingPage>::new()} ssr=ssr.clone() />
                        <Route path=path!("/team") view={Lazy::<lazy::TeamPage>::new()} ssr=ssr.clone() />
                        <Route path=path!("/data") view={Lazy::<lazy::DataSettingsPage>::new()} ssr=ssr.clone() />
                        <Route path=path!("/import") view={Lazy::<lazy::ImportPage>::new()} ssr=ssr.clone() />
                        <Route path=path!("/connected-apps") view={Lazy::<lazy::ConnectedAppsPage>::new()} ssr=ssr.clone() />
                        <Route path=path!("/system") view={Lazy::<lazy::SystemSettingsPage>::new()} ssr=ssr.clone() />
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Every page is a lazy route: with `cargo leptos build --split` the pages' code leaves the wasm
/// every visit downloads (which keeps the shell, the router and what pages share) for one file per
/// group of related pages, loaded when a page of the group is first shown. Groups, not single
/// pages: code two pages share becomes a file of its own, and 23 separately split pages made ~330
/// files, each optimised by its own wasm-opt run. Pages create their own resources, so `data` is
/// empty.
mod lazy {
    use leptos::lazy;
    use leptos::prelude::*;
    use leptos_router::LazyRoute;

    macro_rules! lazy_group {
        ($group:ident, $preload:ident, $pages:ident: $($page:ident),+ $(,)?) => {
            #[derive(Clone, Copy)]
            #[allow(clippy::enum_variant_names)] // the variants are the pages' own names
            pub enum $pages {
                $($page),+
            }

            #[lazy]
            fn $group(page: $pages) -> AnyView {
                match page {
                    $($pages::$page => view! { <super::$page /> }.into_any()),+
                }
            }

            $(
                pub struct $page;

                impl LazyRoute for $page {
                    fn data() -> Self {
                        $page
                    }

                    async fn view(_this: Self) -> AnyView {
                        $group($pages::$page).await
                    }

                    async fn preload() {
                        #[cfg(feature = "hydrate")]
                        $preload().await;
                    }
                }
            )+
        };
    }

    lazy_group!(account_pages, __preload_account_pages, AccountPages:
        SignInPage, SignUpPage, OnboardingPage, InvitePage, NewBusinessPage, ConsentPage);
    // The reports share the dashboard's file: a group of its own would add to the first wasm.
    lazy_group!(dashboard_pages, __preload_dashboard_pages, DashboardPages: DashboardPage, ReportsPage, BudgetsPage, TrendsPage);
    lazy_group!(client_pages, __preload_client_pages, ClientPages:
        ClientsPage, NewClientPage, ClientDetailPage, EditClientPage);
    lazy_group!(project_pages, __preload_project_pages, ProjectPages:
        ProjectsPage, NewProjectPage, ProjectDetailPage, EditProjectPage);
    lazy_group!(time_pages, __preload_time_pages, TimePages: TimesheetPage);
    lazy_group!(invoice_pages, __preload_invoice_pages, InvoicePages: InvoicesPage, NewInvoicePage, InvoiceDetailPage,
        SchedulesPage, NewSchedulePage, ScheduleDetailPage, EditSchedulePage);
    lazy_group!(expense_pages, __preload_expense_pages, ExpensePages:
        ExpensesPage, NewExpensePage, ExpenseDetailPage, EditExpensePage);
    lazy_group!(settings_pages, __preload_settings_pages, SettingsPages:
        GeneralSettingsPage, BrandingPage, TeamPage, DataSettingsPage, ImportPage, ConnectedAppsPage, SystemSettingsPage, SystemAdminPage);
}
