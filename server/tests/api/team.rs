//! Team rules through the HTTP surface: invitations, roles, overrides, custom roles, removal.

use crate::common::{email, TestApp, SECRET};
use app::business::Role;
use app::error::AppError;
use app::permissions::{role_bundle, Permission, PermissionSet};
use app::team::{InvitationPreview, InvitationStatus, TeamOverview};
use http::StatusCode;
use sqlx::PgPool;

const LAST_OWNER: &str = "A business needs at least one owner. Make someone else an owner first.";

fn not_allowed(reply: &crate::common::Reply) -> String {
    match reply.app_error() {
        AppError::NotAllowed(message) => {
            assert_eq!(reply.status, StatusCode::FORBIDDEN);
            message
        }
        other => panic!("expected a rule violation, got {other:?}"),
    }
}

async fn team(app: &TestApp, cookie: &str) -> TeamOverview {
    let reply = app.call("/api/team/get", &[], Some(cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn an_invitee_signs_up_accepts_and_holds_exactly_the_role_bundle(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let address = email("contractor");
    let token = app.invite(&owner, &address, "contractor").await;

    let preview: InvitationPreview = app.call("/api/team/invitation", &[("token", &token)], None).await.json();
    assert_eq!(preview.headline(), "Join Studio as a contractor");
    assert_eq!((preview.status, preview.email.as_str()), (InvitationStatus::Pending, address.as_str()));

    let invitee = app.sign_up("Casey", &address).await;
    let reply = app.call("/api/team/accept", &[("token", &token)], Some(&invitee)).await;
    assert_eq!((reply.status, reply.location()), (StatusCode::OK, Some("/")), "{}", reply.text());

    let session = app.session(Some(&invitee)).await.expect("signed in");
    let business = session.active_business.expect("the invited business is now active");
    assert_eq!((business.name.as_str(), business.role), ("Studio", Role::Contractor));
    assert_eq!(session.permissions, role_bundle(Role::Contractor));

    let again = app.call("/api/team/accept", &[("token", &token)], Some(&invitee)).await;
    assert_eq!(not_allowed(&again), "This invitation has already been used.");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn only_the_invited_address_can_accept(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let invited = email("invited");
    let token = app.invite(&owner, &invited, "member").await;
    let stranger = app.sign_up("Stranger", &email("stranger")).await;
    let reply = app.call("/api/team/accept", &[("token", &token)], Some(&stranger)).await;
    assert_eq!(
        not_allowed(&reply),
        format!("This invitation is for {invited}. Sign in with that address to accept it.")
    );
    assert!(app.session(Some(&stranger)).await.expect("session").businesses.is_empty());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn invitations_expire_after_seven_days_and_can_be_revoked(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let late = email("late");
    let token = app.invite(&owner, &late, "member").await;
    let days: f64 =
        sqlx::query_scalar("select extract(epoch from expires_at - created_at)::float8 / 86400 from invitations")
            .fetch_one(&app.pool)
            .await
            .expect("expiry");
    assert!((days - 7.0).abs() < 0.001, "{days}");

    sqlx::query("update invitations set expires_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .expect("age");
    let preview: InvitationPreview = app.call("/api/team/invitation", &[("token", &token)], None).await.json();
    assert_eq!(preview.status, InvitationStatus::Expired);
    let cookie = app.sign_up("Late", &late).await;
    let reply = app.call("/api/team/accept", &[("token", &token)], Some(&cookie)).await;
    assert_eq!(not_allowed(&reply), "This invitation has expired. Ask for a new one.");

    // An expired invitation does not block a new one; a live one does.
    let fresh = app.invite(&owner, &late, "member").await;
    let duplicate = app.call("/api/team/invite", &[("email", &late), ("role", "member")], Some(&owner)).await;
    assert_eq!(
        duplicate.app_error(),
        AppError::field(
            "email",
            "There's already a pending invitation for this e-mail address. Revoke it to send a new one."
        )
    );
    let overview = team(&app, &owner).await;
    let pending = overview.invitations.iter().find(|i| i.email == late).expect("listed");
    assert!(
        pending.link.as_deref().is_some_and(|l| l.ends_with(&fresh)),
        "the pending invitation's link can be copied again"
    );
    let reply =
        app.call("/api/team/revoke_invitation", &[("invitation_id", &pending.id.to_string())], Some(&owner)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let preview: InvitationPreview = app.call("/api/team/invitation", &[("token", &fresh)], None).await.json();
    assert_eq!(preview.status, InvitationStatus::Revoked);
    assert!(team(&app, &owner).await.invitations.is_empty());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn members_cannot_be_invited_twice(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner_email = email("owner");
    let owner = app.owner_of("Studio", &owner_email).await;
    let reply =
        app.call("/api/team/invite", &[("email", &owner_email.to_uppercase()), ("role", "member")], Some(&owner)).await;
    assert_eq!(reply.app_error(), AppError::field("email", "That person is already on your team."));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn invitation_links_are_unguessable_and_tied_to_the_secret(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let owner = app.owner_of("Studio", &email("owner")).await;
    let token = app.invite(&owner, &email("x"), "member").await;
    let last = if token.ends_with('A') { "B" } else { "A" };
    for bogus in ["", "abc", &token[..64], &format!("{}{last}", &token[..64])] {
        let reply = app.call("/api/team/invitation", &[("token", bogus)], None).await;
        assert_eq!(reply.app_error(), AppError::NotFound, "{bogus}");
    }
    let rotated = TestApp::with(pool, "another-secret-entirely-0123456789abcdef", crate::common::Settings::default());
    let reply = rotated.call("/api/team/invitation", &[("token", &token)], None).await;
    assert_eq!(reply.app_error(), AppError::NotFound, "rotating the secret voids pending links");
    assert_ne!(SECRET, "another-secret-entirely-0123456789abcdef");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_last_owner_can_be_neither_demoted_nor_removed(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let me = app.user_id(&owner).await.to_string();
    let demote = app.call("/api/team/set_role", &[("user_id", &me), ("role", "admin")], Some(&owner)).await;
    assert_eq!(not_allowed(&demote), LAST_OWNER);
    let remove = app.call("/api/team/remove_member", &[("user_id", &me)], Some(&owner)).await;
    assert_eq!(not_allowed(&remove), LAST_OWNER);

    let admin = app.teammate(&owner, "Ada", "admin").await;
    let by_admin = app.call("/api/team/set_role", &[("user_id", &me), ("role", "member")], Some(&admin)).await;
    assert_eq!(not_allowed(&by_admin), LAST_OWNER);
    let role: String = sqlx::query_scalar("select role from memberships where user_id = $1::uuid")
        .bind(&me)
        .fetch_one(&app.pool)
        .await
        .expect("role");
    assert_eq!(role, "owner");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn two_owners_demoting_each_other_at_once_leave_one_owner(pool: PgPool) {
    let app = TestApp::new(pool);
    let first = app.owner_of("Studio", &email("first")).await;
    let second = app.teammate(&first, "Second", "owner").await;
    let (first_id, second_id) = (app.user_id(&first).await.to_string(), app.user_id(&second).await.to_string());
    let demote_second = [("user_id", second_id.as_str()), ("role", "admin")];
    let demote_first = [("user_id", first_id.as_str()), ("role", "admin")];
    let (a, b) = tokio::join!(
        app.call("/api/team/set_role", &demote_second, Some(&first)),
        app.call("/api/team/set_role", &demote_first, Some(&second)),
    );
    let successes = [a.status, b.status].iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(successes, 1, "exactly one demotion wins: {} / {}", a.text(), b.text());
    let owners: i64 = sqlx::query_scalar("select count(*) from memberships where role = 'owner'")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(owners, 1);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn nobody_changes_their_own_role_or_permissions(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let admin = app.teammate(&owner, "Ada", "admin").await;
    let admin_id = app.user_id(&admin).await.to_string();
    let reply = app.call("/api/team/set_role", &[("user_id", &admin_id), ("role", "member")], Some(&admin)).await;
    assert_eq!(not_allowed(&reply), "You can't change your own role.");
    let reply = app
        .call(
            "/api/team/set_permission",
            &[("user_id", &admin_id), ("permission", "clients.view"), ("effect", "deny")],
            Some(&admin),
        )
        .await;
    assert_eq!(not_allowed(&reply), "You can't change your own permissions.");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn only_owners_give_or_take_the_owner_role(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let admin = app.teammate(&owner, "Ada", "admin").await;
    let member = app.teammate(&owner, "Max", "member").await;
    let member_id = app.user_id(&member).await.to_string();

    let reply = app.call("/api/team/set_role", &[("user_id", &member_id), ("role", "owner")], Some(&admin)).await;
    assert_eq!(not_allowed(&reply), "Only an owner can make someone an owner.");
    let reply = app.call("/api/team/invite", &[("email", &email("new")), ("role", "owner")], Some(&admin)).await;
    assert_eq!(not_allowed(&reply), "Only an owner can invite an owner.");
    let admin_view = team(&app, &admin).await;
    assert!(admin_view.assignable.iter().all(|o| o.value != "owner"), "admins are not offered the owner role");

    let reply = app.call("/api/team/set_role", &[("user_id", &member_id), ("role", "owner")], Some(&owner)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let promoted = app.session(Some(&member)).await.and_then(|s| s.active_business).expect("business");
    assert_eq!(promoted.role, Role::Owner);
    let reply = app.call("/api/team/set_role", &[("user_id", &member_id), ("role", "viewer")], Some(&admin)).await;
    assert_eq!(not_allowed(&reply), "Only an owner can change an owner's role.");
    let reply = app.call("/api/team/remove_member", &[("user_id", &member_id)], Some(&admin)).await;
    assert_eq!(not_allowed(&reply), "Only an owner can remove an owner.");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn effective_permissions_are_the_role_plus_grants_minus_denies(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let contractor = app.teammate(&owner, "Casey", "contractor").await;
    let id = app.user_id(&contractor).await.to_string();
    for (permission, effect) in [("settings.view", "grant"), ("time.log", "deny"), ("clients.view", "grant")] {
        let reply = app
            .call(
                "/api/team/set_permission",
                &[("user_id", &id), ("permission", permission), ("effect", effect)],
                Some(&owner),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    }
    let expected = role_bundle(Role::Contractor)
        .with(Permission::SettingsView)
        .with(Permission::ClientsView)
        .without(Permission::TimeLog);
    assert_eq!(app.session(Some(&contractor)).await.expect("session").permissions, expected);
    let listed = team(&app, &owner).await.members.into_iter().find(|m| m.user_id.to_string() == id).expect("member");
    assert_eq!(listed.effective, expected);
    assert_eq!(listed.overrides.len(), 3);

    // Clearing goes back to the role; a member with the role again sees the default.
    let reply = app
        .call(
            "/api/team/set_permission",
            &[("user_id", &id), ("permission", "time.log"), ("effect", "clear")],
            Some(&owner),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(app.session(Some(&contractor)).await.expect("session").permissions.contains(Permission::TimeLog));

    // Owners ignore overrides, and none can be set on them.
    let owner_id = app.user_id(&owner).await.to_string();
    let admin = app.teammate(&owner, "Ada", "admin").await;
    let reply = app
        .call(
            "/api/team/set_permission",
            &[("user_id", &owner_id), ("permission", "time.log"), ("effect", "deny")],
            Some(&admin),
        )
        .await;
    assert_eq!(not_allowed(&reply), "Owners always have every permission; overrides don't apply to them.");
    sqlx::query("insert into permission_overrides (business_id, user_id, permission, effect) select business_id, user_id, 'time.log', 'deny' from memberships where role = 'owner'")
        .execute(&app.pool)
        .await
        .expect("forced override");
    assert_eq!(app.session(Some(&owner)).await.expect("session").permissions, PermissionSet::all());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn permissions_can_be_granted_only_by_those_who_hold_them_but_denied_by_anyone_who_manages_roles(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let create = app
        .call(
            "/api/team/create_role",
            &[
                ("name", "Team lead"),
                ("permissions[0]", "team.view"),
                ("permissions[1]", "team.manageRoles"),
                ("permissions[2]", "clients.view"),
                // A viewer's permissions too: nobody changes a teammate who holds more than they do.
                ("permissions[3]", "projects.view"),
                ("permissions[4]", "tasks.view"),
                ("permissions[5]", "time.viewOwn"),
                ("permissions[6]", "invoices.view"),
                ("permissions[7]", "expenses.view"),
                ("permissions[8]", "dashboard.view"),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(create.status, StatusCode::OK, "{}", create.text());
    let role: app::team::CustomRole = create.json();
    let lead = app.teammate(&owner, "Lee", &format!("custom:{}", role.id)).await;
    let member = app.teammate(&owner, "Max", "viewer").await;
    let member_id = app.user_id(&member).await.to_string();

    let grant = |p: &'static str, e: &'static str| {
        let member_id = member_id.clone();
        let lead = lead.clone();
        let app = &app;
        async move {
            app.call(
                "/api/team/set_permission",
                &[("user_id", &member_id), ("permission", p), ("effect", e)],
                Some(&lead),
            )
            .await
        }
    };
    assert_eq!(
        not_allowed(&grant("settings.edit", "grant").await),
        "You can only grant permissions you have yourself."
    );
    assert_eq!(grant("clients.view", "grant").await.status, StatusCode::OK);
    assert_eq!(grant("settings.edit", "deny").await.status, StatusCode::OK, "denying needs no such holding");
    let reply = app
        .call("/api/team/create_role", &[("name", "Sneaky"), ("permissions[0]", "settings.edit")], Some(&lead))
        .await;
    assert_eq!(not_allowed(&reply), "You can only include permissions you have yourself.");
    let reply = app.call("/api/team/set_role", &[("user_id", &member_id), ("role", "admin")], Some(&lead)).await;
    assert_eq!(not_allowed(&reply), "You can only give a role whose permissions you have yourself.");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn custom_roles_are_named_uniquely_and_cannot_be_deleted_while_in_use(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let create = |name: String| {
        let owner = owner.clone();
        let app = &app;
        async move {
            app.call(
                "/api/team/create_role",
                &[("name", &name), ("permissions[0]", "projects.view"), ("permissions[3]", "tasks.view")],
                Some(&owner),
            )
            .await
        }
    };
    let reply = create("Designer".into()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let designer: app::team::CustomRole = reply.json();
    assert_eq!(designer.permissions, [Permission::ProjectsView, Permission::TasksView].into_iter().collect());
    assert_eq!(
        create(" designer ".into()).await.app_error(),
        AppError::field("name", "A role with this name already exists.")
    );
    assert_eq!(
        create("x".repeat(61)).await.app_error(),
        AppError::field("name", "Keep role names to 60 characters or fewer.")
    );
    assert!(matches!(create("   ".into()).await.app_error(), AppError::Validation(_)));

    let designer_value = format!("custom:{}", designer.id);
    let dana = app.teammate(&owner, "Dana", &designer_value).await;
    let session = app.session(Some(&dana)).await.expect("session");
    assert_eq!(session.permissions, designer.permissions);
    assert_eq!(session.active_business.map(|b| b.role), Some(Role::Custom));

    let role_id = designer.id.to_string();
    let in_use = app.call("/api/team/delete_role", &[("role_id", &role_id)], Some(&owner)).await;
    assert_eq!(
        not_allowed(&in_use),
        "This role is still in use. Give its members another role and revoke its pending invitations first."
    );
    // Editing the role changes its holders' permissions at once.
    let reply = app
        .call(
            "/api/team/update_role",
            &[("role_id", &role_id), ("name", "Designer"), ("permissions[0]", "projects.view")],
            Some(&owner),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        app.session(Some(&dana)).await.expect("session").permissions,
        [Permission::ProjectsView].into_iter().collect()
    );

    let dana_id = app.user_id(&dana).await.to_string();
    app.call("/api/team/set_role", &[("user_id", &dana_id), ("role", "viewer")], Some(&owner)).await;
    let pending = app.invite(&owner, &email("next"), &designer_value).await;
    let blocked = app.call("/api/team/delete_role", &[("role_id", &role_id)], Some(&owner)).await;
    assert!(matches!(blocked.app_error(), AppError::NotAllowed(_)), "a pending invitation keeps the role alive");
    let invitation_id: uuid::Uuid = sqlx::query_scalar("select id from invitations where status = 'pending'")
        .fetch_one(&app.pool)
        .await
        .expect("id");
    app.call("/api/team/revoke_invitation", &[("invitation_id", &invitation_id.to_string())], Some(&owner)).await;
    let deleted = app.call("/api/team/delete_role", &[("role_id", &role_id)], Some(&owner)).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.text());
    assert!(!pending.is_empty());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn editing_a_custom_role_keeps_the_permissions_the_editor_does_not_hold(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let create = |name: &'static str, keys: &'static [&'static str]| {
        let (owner, app) = (owner.clone(), &app);
        async move {
            let mut form = vec![("name".to_owned(), name.to_owned())];
            form.extend(keys.iter().enumerate().map(|(i, k)| (format!("permissions[{i}]"), (*k).to_owned())));
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let reply = app.call("/api/team/create_role", &form, Some(&owner)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
            reply.json::<app::team::CustomRole>()
        }
    };
    let analyst = create("Analyst", &["projects.view", "reports.viewProfit"]).await;
    let editor = create("Role editor", &["team.view", "team.manageRoles", "projects.view", "tasks.view"]).await;
    let ed = app.teammate(&owner, "Ed", &format!("custom:{}", editor.id)).await;
    // Ed swaps projects.view for tasks.view; reports.viewProfit is not his to see or give.
    let reply = app
        .call(
            "/api/team/update_role",
            &[("role_id", &analyst.id.to_string()), ("name", "Analyst"), ("permissions[0]", "tasks.view")],
            Some(&ed),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let stored: Vec<String> = sqlx::query_scalar("select permissions from custom_roles where name = 'Analyst'")
        .fetch_one(&app.pool)
        .await
        .expect("role");
    let stored: PermissionSet = app::permissions::from_keys(&stored);
    assert_eq!(stored, [Permission::TasksView, Permission::ReportsViewProfit].into_iter().collect());
    // Still: he cannot add what he does not hold.
    let reply = app
        .call(
            "/api/team/update_role",
            &[("role_id", &analyst.id.to_string()), ("name", "Analyst"), ("permissions[0]", "invoices.view")],
            Some(&ed),
        )
        .await;
    assert!(matches!(reply.app_error(), AppError::NotAllowed(_)));
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn an_expired_invitation_does_not_keep_a_custom_role_in_use(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let reply = app
        .call("/api/team/create_role", &[("name", "Reviewer"), ("permissions[0]", "projects.view")], Some(&owner))
        .await;
    let reviewer: app::team::CustomRole = reply.json();
    app.invite(&owner, &email("late"), &format!("custom:{}", reviewer.id)).await;
    async fn in_use(app: &TestApp, owner: &str) -> i64 {
        let team: serde_json::Value = app.call("/api/team/get", &[], Some(owner)).await.json();
        team["custom_roles"][0]["in_use"].as_i64().expect("in_use")
    }
    assert_eq!(in_use(&app, &owner).await, 1, "a live invitation holds the role");
    // The invitation lapses unanswered (its seven days pass).
    sqlx::query("update invitations set expires_at = now() - interval '1 day'").execute(&app.pool).await.expect("age");
    assert_eq!(in_use(&app, &owner).await, 0, "an expired invitation does not");
    let deleted = app.call("/api/team/delete_role", &[("role_id", &reviewer.id.to_string())], Some(&owner)).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.text());
    let (status, role): (String, Option<uuid::Uuid>) =
        sqlx::query_as("select status, custom_role_id from invitations").fetch_one(&app.pool).await.expect("row");
    assert_eq!((status.as_str(), role), ("expired", None), "the invitation's history stays, marked expired");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_removed_member_loses_the_business(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let member = app.teammate(&owner, "Max", "member").await;
    let member_id = app.user_id(&member).await.to_string();
    let reply = app.call("/api/team/remove_member", &[("user_id", &member_id)], Some(&owner)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let session = app.session(Some(&member)).await.expect("still signed in");
    assert!(session.active_business.is_none() && session.businesses.is_empty());
    let reply = app.call("/api/team/get", &[], Some(&member)).await;
    assert_eq!(reply.app_error(), AppError::Forbidden);
    let again = app.call("/api/team/remove_member", &[("user_id", &member_id)], Some(&owner)).await;
    assert_eq!(again.app_error(), AppError::NotFound);
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn business_settings_need_view_to_read_and_edit_to_change(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let member = app.teammate(&owner, "Max", "member").await;
    let viewer = app.teammate(&owner, "Vi", "viewer").await;

    let reply = app
        .call(
            "/api/settings/update",
            &[("name", " Studio Ltd "), ("address", "1 Long Lane\nLondon"), ("currency", "gbp")],
            Some(&owner),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let settings: app::settings::BusinessSettings = app.call("/api/settings/get", &[], Some(&member)).await.json();
    assert_eq!(
        (settings.name.as_str(), settings.address.as_str(), settings.currency.as_str()),
        ("Studio Ltd", "1 Long Lane\nLondon", "GBP")
    );
    assert!(!settings.can_edit, "members read settings but may not change them");

    let reply = app
        .call("/api/settings/update", &[("name", "Mine now"), ("address", ""), ("currency", "EUR")], Some(&member))
        .await;
    assert_eq!(reply.app_error(), AppError::Forbidden);
    assert_eq!(app.call("/api/settings/get", &[], Some(&viewer)).await.app_error(), AppError::Forbidden);
    let invalid =
        app.call("/api/settings/update", &[("name", ""), ("address", ""), ("currency", "XXX")], Some(&owner)).await;
    let AppError::Validation(errors) = invalid.app_error() else { panic!("validation") };
    assert!(errors.get("name").is_some() && errors.get("currency").is_some());
}

/// An owner, an admin and a manager in one business; returns their cookies.
async fn owner_admin_manager(app: &TestApp) -> (String, String, String) {
    let owner = app.owner_of("Studio", &email("owner")).await;
    let admin = app.teammate(&owner, "Ada Admin", "admin").await;
    let manager = app.teammate(&owner, "Mia Manager", "manager").await;
    (owner, admin, manager)
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn an_invitation_link_is_shown_only_to_members_who_could_have_created_it(pool: PgPool) {
    let app = TestApp::new(pool);
    let (owner, _, manager) = owner_admin_manager(&app).await;
    let victim = email("future.admin");
    let token = app.invite(&owner, &victim, "admin").await;
    app.invite(&owner, &email("helper"), "contractor").await;

    // The hijack: a manager (team.invite) used to copy the admin invitation's link, sign up with
    // the invitee's unproven address and accept it. The link no longer reaches them.
    let seen_by_manager = team(&app, &manager).await.invitations;
    let admin_invite = seen_by_manager.iter().find(|i| i.email == victim).expect("listed");
    assert_eq!(admin_invite.link, None, "a manager cannot see an admin invitation's link");
    let helper_invite = seen_by_manager.iter().find(|i| i.email != victim).expect("listed");
    assert!(helper_invite.link.is_some(), "a contractor invitation is within a manager's reach");
    let renewed = app
        .call("/api/team/regenerate_invitation", &[("invitation_id", &admin_invite.id.to_string())], Some(&manager))
        .await;
    assert_eq!(
        not_allowed(&renewed),
        "Only someone who holds every permission of the invited role can renew its link."
    );
    let text = app.call("/api/team/get", &[], Some(&manager)).await.text();
    assert!(!text.contains(&token), "the token appears nowhere in what the manager receives");
    let owners_view = team(&app, &owner).await.invitations;
    assert!(owners_view.iter().all(|i| i.link.is_some()), "the owner sees every link");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn accepting_rechecks_the_inviter_and_demoting_them_revokes_what_they_can_no_longer_give(pool: PgPool) {
    let app = TestApp::new(pool);
    let (owner, admin, _) = owner_admin_manager(&app).await;
    let address = email("invited.by.ada");
    let token = app.invite(&admin, &address, "admin").await;
    let admin_id = app.user_id(&admin).await.to_string();

    let demote = app.call("/api/team/set_role", &[("user_id", &admin_id), ("role", "member")], Some(&owner)).await;
    assert_eq!(demote.status, StatusCode::OK, "{}", demote.text());
    assert!(team(&app, &owner).await.invitations.iter().all(|i| i.email != address), "the invitation was revoked");

    // Even a pending one (revoked or not) is only as good as its inviter's standing now.
    sqlx::query("update invitations set status = 'pending', revoked_at = null where email = $1")
        .bind(&address)
        .execute(&app.pool)
        .await
        .expect("reopened");
    let invitee = app.sign_up("Ivy", &address).await;
    let reply = app.call("/api/team/accept", &[("token", &token)], Some(&invitee)).await;
    assert_eq!(not_allowed(&reply), "This invitation is no longer valid. Ask for a new one.");
    assert!(app.session(Some(&invitee)).await.expect("signed in").active_business.is_none());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn nobody_removes_or_changes_a_teammate_who_holds_more_than_they_do(pool: PgPool) {
    let app = TestApp::new(pool);
    let (owner, admin, manager) = owner_admin_manager(&app).await;
    let admin_id = app.user_id(&admin).await.to_string();
    let outranked = "You can't change a teammate who has permissions you don't have.";

    let reply = app.call("/api/team/remove_member", &[("user_id", &admin_id)], Some(&manager)).await;
    assert_eq!(not_allowed(&reply), outranked, "a manager cannot remove an admin");

    // Someone who manages roles but holds less than the admin can neither re-role nor override them.
    let create = app
        .call(
            "/api/team/create_role",
            &[("name", "Role keeper"), ("permissions[0]", "team.view"), ("permissions[1]", "team.manageRoles")],
            Some(&owner),
        )
        .await;
    let role: app::team::CustomRole = create.json();
    let keeper = app.teammate(&owner, "Kim", &format!("custom:{}", role.id)).await;
    let reply = app
        .call("/api/team/set_role", &[("user_id", &admin_id), ("role", &format!("custom:{}", role.id))], Some(&keeper))
        .await;
    assert_eq!(not_allowed(&reply), outranked);
    let reply = app
        .call(
            "/api/team/set_permission",
            &[("user_id", &admin_id), ("permission", "settings.edit"), ("effect", "deny")],
            Some(&keeper),
        )
        .await;
    assert_eq!(not_allowed(&reply), outranked);
    let members = team(&app, &owner).await.members;
    assert!(members.iter().any(|m| m.user_id.to_string() == admin_id && m.role == Role::Admin), "nothing changed");

    let manager_id = app.user_id(&manager).await.to_string();
    let reply = app.call("/api/team/remove_member", &[("user_id", &manager_id)], Some(&admin)).await;
    assert_eq!(reply.status, StatusCode::OK, "an admin outranks a manager: {}", reply.text());
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn the_role_list_offers_only_roles_the_caller_may_give(pool: PgPool) {
    let app = TestApp::new(pool);
    let (owner, _, manager) = owner_admin_manager(&app).await;
    let wide =
        app.call("/api/team/create_role", &[("name", "Wide"), ("permissions[0]", "settings.edit")], Some(&owner)).await;
    assert_eq!(wide.status, StatusCode::OK, "{}", wide.text());
    let offered: Vec<String> = team(&app, &manager).await.assignable.into_iter().map(|r| r.label).collect();
    for beyond in ["Owner", "Admin", "Wide"] {
        assert!(!offered.iter().any(|l| l == beyond), "{beyond} offered to a manager: {offered:?}");
    }
    for within in ["Member", "Contractor", "Viewer"] {
        assert!(offered.iter().any(|l| l == within), "{within} missing: {offered:?}");
    }
    // Each offered role comes with one line on what it may do, shown beside the invite form.
    let owner_view = team(&app, &owner).await;
    let wide = owner_view.assignable.iter().find(|o| o.label == "Wide").expect("Wide offered to the owner");
    assert!(wide.description.starts_with("Custom role: "), "{}", wide.description);
    assert!(owner_view.assignable.iter().all(|o| !o.description.is_empty()));
    let page = app.get("/settings/team", Some(&owner)).await.text();
    assert!(page.contains("What each role may do") && page.contains(Role::Member.description()), "{page}");
}

#[sqlx::test(migrator = "app::server::MIGRATOR")]
async fn a_renewed_link_replaces_the_old_one(pool: PgPool) {
    let app = TestApp::new(pool);
    let owner = app.owner_of("Studio", &email("owner")).await;
    let address = email("renewed");
    let old = app.invite(&owner, &address, "member").await;
    let pending = team(&app, &owner).await.invitations.into_iter().next().expect("pending");
    let reply =
        app.call("/api/team/regenerate_invitation", &[("invitation_id", &pending.id.to_string())], Some(&owner)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let renewed: app::team::PendingInvitation = reply.json();
    let new = renewed.link.expect("link").rsplit_once("/invite/").map(|(_, t)| t.to_owned()).expect("token");
    assert_ne!(new, old);

    let preview: InvitationPreview = app.call("/api/team/invitation", &[("token", &old)], None).await.json();
    assert_eq!(preview.status, InvitationStatus::Revoked, "the old link is dead");
    let invitee = app.sign_up("Rae", &address).await;
    let stale = app.call("/api/team/accept", &[("token", &old)], Some(&invitee)).await;
    assert_eq!(not_allowed(&stale), "This invitation was revoked. Ask for a new one.");
    let fresh = app.call("/api/team/accept", &[("token", &new)], Some(&invitee)).await;
    assert_eq!(fresh.status, StatusCode::OK, "{}", fresh.text());
}
