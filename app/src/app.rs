//! The HTML shell and the route table.

use crate::components::layout::AppShell;
use crate::routes::clients::{
    detail::ClientDetailPage,
    form::{EditClientPage, NewClientPage},
    list::ClientsPage,
};
use crate::routes::invoices::{detail::InvoiceDetailPage, list::InvoicesPage, new::NewInvoicePage};
use crate::routes::projects::{
    detail::ProjectDetailPage,
    form::{EditProjectPage, NewProjectPage},
    list::ProjectsPage,
};
use crate::routes::settings::{
    branding::BrandingPage, data::DataSettingsPage, general::GeneralSettingsPage, import::ImportPage, team::TeamPage,
    SettingsLayout,
};
use crate::routes::{
    dashboard::DashboardPage, invite::InvitePage, new_business::NewBusinessPage, not_found::NotFound,
    onboarding::OnboardingPage, sign_in::SignInPage, sign_up::SignUpPage, time::TimesheetPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
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
                <Route path=path!("/sign-in") view=SignInPage ssr=ssr.clone() />
                <Route path=path!("/sign-up") view=SignUpPage ssr=ssr.clone() />
                <Route path=path!("/onboarding") view=OnboardingPage ssr=ssr.clone() />
                <Route path=path!("/invite/:token") view=InvitePage ssr=ssr.clone() />
                <ParentRoute path=path!("") view=AppShell ssr=ssr.clone()>
                    <Route path=path!("") view=DashboardPage ssr=ssr.clone() />
                    <Route path=path!("/businesses/new") view=NewBusinessPage ssr=ssr.clone() />
                    <Route path=path!("/clients") view=ClientsPage ssr=ssr.clone() />
                    <Route path=path!("/clients/new") view=NewClientPage ssr=ssr.clone() />
                    <Route path=path!("/clients/:id") view=ClientDetailPage ssr=ssr.clone() />
                    <Route path=path!("/clients/:id/edit") view=EditClientPage ssr=ssr.clone() />
                    <Route path=path!("/projects") view=ProjectsPage ssr=ssr.clone() />
                    <Route path=path!("/time") view=TimesheetPage ssr=ssr.clone() />
                    <Route path=path!("/invoices") view=InvoicesPage ssr=ssr.clone() />
                    <Route path=path!("/invoices/new") view=NewInvoicePage ssr=ssr.clone() />
                    <Route path=path!("/invoices/:id") view=InvoiceDetailPage ssr=ssr.clone() />
                    <Route path=path!("/projects/new") view=NewProjectPage ssr=ssr.clone() />
                    <Route path=path!("/projects/:id") view=ProjectDetailPage ssr=ssr.clone() />
                    <Route path=path!("/projects/:id/edit") view=EditProjectPage ssr=ssr.clone() />
                    <ParentRoute path=path!("/settings") view=SettingsLayout ssr=ssr.clone()>
                        <Route path=path!("") view=GeneralSettingsPage ssr=ssr.clone() />
                        <Route path=path!("/branding") view=BrandingPage ssr=ssr.clone() />
                        <Route path=path!("/team") view=TeamPage ssr=ssr.clone() />
                        <Route path=path!("/data") view=DataSettingsPage ssr=ssr.clone() />
                        <Route path=path!("/import") view=ImportPage ssr=ssr.clone() />
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
