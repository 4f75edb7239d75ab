//! `/settings/team`: members with their roles and permission overrides, invitations, custom roles.

use crate::components::form::{action_error, field_error, FormError, SelectField};
use crate::components::loading::Load;
use crate::components::team::{refresh_after, CustomRolesCard, InviteCard, PendingInvitations, TeamEpoch};
use crate::permissions::{Group, Permission};
use crate::team::{get_team, InviteMember, RemoveMember, SetMemberPermission, SetMemberRole, TeamMember, TeamOverview};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TeamPage() -> impl IntoView {
    let epoch = RwSignal::new(0u64);
    provide_context(TeamEpoch(epoch));
    let team = Resource::new(move || epoch.get(), |_| get_team());
    let invite = ServerAction::<InviteMember>::new();
    refresh_after(invite);
    view! {
        <Title text="Team" />
        <Load resource=team let:overview>
            <TeamSections overview invite />
        </Load>
    }
}

#[component]
fn TeamSections(overview: TeamOverview, invite: ServerAction<InviteMember>) -> impl IntoView {
    let can = |p: Permission| overview.your_permissions.contains(p);
    let (can_invite, manage, remove) =
        (can(Permission::TeamInvite), can(Permission::TeamManageRoles), can(Permission::TeamRemoveMember));
    let you = overview.you;
    let assignable = overview.assignable.clone();
    let members = overview
        .members
        .into_iter()
        .map(|member| {
            let is_you = member.user_id == you;
            view! { <MemberCard member is_you manage remove assignable=assignable.clone() /> }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="members-heading">
            <h2 id="members-heading">"Members"</h2>
            <ul class="members">{members}</ul>
        </section>
        {can_invite.then(|| view! {
            <InviteCard invite assignable=overview.assignable.clone() />
            <PendingInvitations invitations=overview.invitations.clone() />
        })}
        {(manage || !overview.custom_roles.is_empty()).then(|| view! {
            <CustomRolesCard roles=overview.custom_roles.clone() manage your_permissions=overview.your_permissions />
        })}
    }
    .into_any()
}

#[component]
fn MemberCard(
    member: TeamMember,
    is_you: bool,
    manage: bool,
    remove: bool,
    assignable: Vec<crate::team::RoleOption>,
) -> impl IntoView {
    let set_role = ServerAction::<SetMemberRole>::new();
    let set_permission = ServerAction::<SetMemberPermission>::new();
    let remove_action = ServerAction::<RemoveMember>::new();
    refresh_after(set_role);
    refresh_after(set_permission);
    refresh_after(remove_action);
    let role_error = action_error(set_role);
    let permission_error = action_error(set_permission);
    let remove_error = action_error(remove_action);

    let id = member.user_id.to_string();
    let name = member.name.clone();
    let mut role_options: Vec<(String, String)> =
        assignable.iter().map(|o| (o.value.clone(), o.label.clone())).collect();
    if !role_options.iter().any(|(value, _)| *value == member.role_value()) {
        // The member's current role may be one the caller cannot give (an owner, seen by an admin).
        role_options.insert(0, (member.role_value(), member.role_label()));
    }
    let overrides = member
        .overrides
        .iter()
        .map(|o| {
            let verb = match o.effect {
                crate::team::Effect::Grant => "Granted",
                crate::team::Effect::Deny => "Denied",
            };
            view! { <li>{format!("{verb}: {}", o.permission.label())}</li> }
        })
        .collect_view();
    let effective = Group::ALL
        .iter()
        .filter_map(|group| {
            let held: Vec<&str> =
                group.permissions().filter(|p| member.effective.contains(*p)).map(|p| p.label()).collect();
            (!held.is_empty()).then(|| view! { <li><strong>{group.label()}": "</strong>{held.join(", ")}</li> })
        })
        .collect_view();
    let permission_options: Vec<(String, String)> = Group::ALL
        .iter()
        .flat_map(|g| g.permissions().map(move |p| (p.key().to_owned(), format!("{}: {}", g.label(), p.label()))))
        .collect();
    let effect_options = vec![
        ("grant".to_owned(), "Grant".to_owned()),
        ("deny".to_owned(), "Deny".to_owned()),
        ("clear".to_owned(), "Use the role's default".to_owned()),
    ];
    let has_overrides = !member.overrides.is_empty();
    let effective_count = member.effective.len();

    view! {
        <li class="member">
            <div class="member-head">
                <div>
                    <p class="member-name">{member.name.clone()}{is_you.then_some(" (you)")}</p>
                    <p class="member-email">{member.email.clone()}</p>
                </div>
                <p class="badge">{member.role_label()}</p>
            </div>
            {manage.then(|| { let (id, name) = (id.clone(), name.clone()); view! {
                <ActionForm action=set_role attr:class="inline-form">
                    <input type="hidden" name="user_id" value=id.clone() />
                    <SelectField
                        id=format!("role-{id}")
                        name="role"
                        label=format!("Role for {name}")
                        options=role_options
                        selected=member.role_value()
                        error=field_error(role_error, "role")
                    />
                    <button type="submit">"Change role"</button>
                    <FormError error=role_error />
                </ActionForm>
            }})}
            <details class="permissions">
                <summary>{format!("Permissions ({effective_count})")}</summary>
                {has_overrides.then(|| view! { <ul class="overrides">{overrides}</ul> })}
                <ul class="effective">{effective}</ul>
                {manage.then(|| { let (id, name) = (id.clone(), name.clone()); view! {
                    <ActionForm action=set_permission attr:class="inline-form">
                        <input type="hidden" name="user_id" value=id.clone() />
                        <SelectField
                            id=format!("permission-{id}")
                            name="permission"
                            label=format!("Permission for {name}")
                            options=permission_options
                            error=field_error(permission_error, "permission")
                        />
                        <SelectField
                            id=format!("effect-{id}")
                            name="effect"
                            label="Override".to_owned()
                            options=effect_options
                            error=field_error(permission_error, "effect")
                        />
                        <button type="submit">"Apply override"</button>
                        <FormError error=permission_error />
                    </ActionForm>
                }})}
            </details>
            {(remove && !is_you).then(|| { let (id, name) = (id.clone(), name.clone()); view! {
                <ActionForm action=remove_action attr:class="inline-form">
                    <input type="hidden" name="user_id" value=id.clone() />
                    <button type="submit" class="danger">{format!("Remove {name}")}</button>
                    <FormError error=remove_error />
                </ActionForm>
            }})}
        </li>
    }
    .into_any()
}
