//! Team settings cards: inviting, pending invitations, custom roles.

use crate::components::form::{action_error, field_error, FieldError, FormError, SelectField, SubmitButton, TextField};
use crate::components::layout::ShellActions;
use crate::permissions::{Group, PermissionSet};
use crate::team::{
    CreateRole, CustomRole, DeleteRole, InviteMember, PendingInvitation, RegenerateInvitation, RevokeInvitation,
    RoleOption, UpdateRole,
};
use leptos::prelude::*;
use server_fn::ServerFn;

/// Bumped after every successful team change so the overview is fetched again.
#[derive(Clone, Copy)]
pub struct TeamEpoch(pub RwSignal<u64>);

/// Refetches the team (and the shell's session, whose permissions may have changed) once `action`
/// succeeds. Failures leave the page as it is, so their messages stay beside their forms.
pub fn refresh_after<S>(action: ServerAction<S>)
where
    S: ServerFn<Error = crate::error::AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let epoch = use_context::<TeamEpoch>();
    let shell = use_context::<ShellActions>();
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(_))) {
            if let Some(TeamEpoch(epoch)) = epoch {
                epoch.update(|n| *n += 1);
            }
            if let Some(shell) = shell {
                shell.refresh.update(|n| *n += 1);
            }
        }
    });
}

/// `invite` lives on the page, not in this card: the team is refetched after an invitation and the
/// card re-rendered, and the new link must stay on screen.
#[component]
pub fn InviteCard(invite: ServerAction<InviteMember>, assignable: Vec<RoleOption>) -> impl IntoView {
    let error = action_error(invite);
    let options: Vec<(String, String)> = assignable.iter().map(|o| (o.value.clone(), o.label.clone())).collect();
    let roles =
        assignable.into_iter().map(|o| view! { <div><dt>{o.label}</dt><dd>{o.description}</dd></div> }).collect_view();
    let created = move || invite.value().get().and_then(Result::ok);
    view! {
        <section class="card" aria-labelledby="invite-heading">
            <h2 id="invite-heading">"Invite someone"</h2>
            <p class="hint">"Clerq sends no e-mail: create a link and share it. It works for 7 days, for that e-mail address only."</p>
            <ActionForm action=invite attr:class="inline-form">
                <TextField id="invite-email" name="email" label="Email" kind="email" required=true error=field_error(error, "email") />
                <SelectField
                    id="invite-role".to_owned()
                    name="role"
                    label="Role".to_owned()
                    options=options
                    selected="member".to_owned()
                    error=field_error(error, "role")
                />
                <SubmitButton label="Create invite link" busy_label="Creating…" pending=invite.pending() />
                <FormError error />
            </ActionForm>
            <h3 id="invite-roles-heading">"What each role may do"</h3>
            <dl class="details" aria-labelledby="invite-roles-heading">{roles}</dl>
            {move || created().map(|invitation| view! {
                <div class="invite-result">
                    <p role="status">{format!("Invitation for {} as {}.", invitation.email, invitation.role_label)}</p>
                    <LinkToCopy id="new-invite-link".to_owned() label="Invitation link".to_owned() link=invitation.link.unwrap_or_default() />
                </div>
            })}
        </section>
    }
    .into_any()
}

/// A read-only link with a "Copy link" button (the field itself can be copied without JavaScript).
#[component]
pub fn LinkToCopy(
    id: String,
    label: String,
    link: String,
    /// The button's words when "Copy link" would be ambiguous on the page.
    #[prop(optional, into)]
    button: Option<String>,
) -> impl IntoView {
    let button_name = button.clone().unwrap_or_else(|| format!("Copy link: {label}"));
    let button_text = button.unwrap_or_else(|| "Copy link".to_owned());
    let copied = RwSignal::new(false);
    let copy = {
        let link = link.clone();
        move |_| {
            // Fire and forget: the field stays there if the browser refuses clipboard access.
            let _ = window().navigator().clipboard().write_text(&link);
            copied.set(true);
        }
    };
    view! {
        <div class="field link-field">
            <label for=id.clone()>{label.clone()}</label>
            <div class="inline">
                <input id=id type="text" readonly value=link />
                <button type="button" on:click=copy aria-label=button_name>{button_text}</button>
                <span class="saved" role="status">{move || copied.get().then_some("Copied")}</span>
            </div>
        </div>
    }
}

#[component]
pub fn PendingInvitations(invitations: Vec<PendingInvitation>) -> impl IntoView {
    let empty = invitations.is_empty();
    let rows = invitations.into_iter().map(|invitation| view! { <PendingInvitationRow invitation /> }).collect_view();
    view! {
        <section class="card" aria-labelledby="pending-heading">
            <h2 id="pending-heading">"Pending invitations"</h2>
            {empty.then(|| view! { <p class="hint">"No invitations are waiting."</p> })}
            <ul class="invitations">{rows}</ul>
        </section>
    }
}

#[component]
fn PendingInvitationRow(invitation: PendingInvitation) -> impl IntoView {
    let revoke = ServerAction::<RevokeInvitation>::new();
    let regenerate = ServerAction::<RegenerateInvitation>::new();
    refresh_after(revoke);
    refresh_after(regenerate);
    let error = action_error(revoke);
    let regenerate_error = action_error(regenerate);
    let expires = invitation.expires_at.format("%-d %b").to_string();
    let email = invitation.email.clone();
    let link = match invitation.link.clone() {
        Some(link) => view! {
            <LinkToCopy
                id=format!("invite-link-{}", invitation.id)
                label=format!("Link for {email}")
                link
            />
            <ActionForm action=regenerate>
                <input type="hidden" name="invitation_id" value=invitation.id.to_string() />
                <button type="submit">{format!("New link for {email}")}</button>
                <FormError error=regenerate_error />
            </ActionForm>
        }
        .into_any(),
        None => view! {
            <p class="hint">"Only teammates who hold every permission of this role see its link."</p>
        }
        .into_any(),
    };
    view! {
        <li class="invitation">
            <p>
                <strong>{invitation.email.clone()}</strong>
                {format!(" · {} · expires {expires}", invitation.role_label)}
            </p>
            {link}
            <ActionForm action=revoke>
                <input type="hidden" name="invitation_id" value=invitation.id.to_string() />
                <button type="submit" class="danger">{format!("Revoke invitation for {}", invitation.email)}</button>
                <FormError error />
            </ActionForm>
        </li>
    }
}

/// Checkboxes for a role's permissions, grouped like the catalog. Only permissions the caller
/// holds can be ticked (the server refuses the rest too).
#[component]
fn PermissionCheckboxes(prefix: String, checked: PermissionSet, allowed: PermissionSet) -> impl IntoView {
    let groups = Group::ALL
        .iter()
        .map(|group| {
            let boxes = group
                .permissions()
                .map(|permission| {
                    let id = format!("{prefix}-{}", permission.key().replace('.', "-"));
                    // Indexed names keep serde_qs's list parsing unambiguous.
                    let name = format!("permissions[{}]", permission as usize);
                    view! {
                        <div class="check">
                            <input
                                type="checkbox"
                                id=id.clone()
                                name=name
                                value=permission.key()
                                checked=checked.contains(permission)
                                disabled=!allowed.contains(permission)
                            />
                            <label for=id>{permission.label()}</label>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="permission-group">
                    <legend>{group.label()}</legend>
                    {boxes}
                </fieldset>
            }
        })
        .collect_view();
    view! { <div class="permission-groups">{groups}</div> }
}

#[component]
pub fn CustomRolesCard(roles: Vec<CustomRole>, manage: bool, your_permissions: PermissionSet) -> impl IntoView {
    let create = ServerAction::<CreateRole>::new();
    refresh_after(create);
    let error = action_error(create);
    // A created role leaves an empty form for the next one (not its name and ticks).
    let form = NodeRef::<leptos::html::Form>::new();
    let created_before = create.version().get_untracked();
    Effect::new(move |_| {
        if create.version().get() > created_before && matches!(create.value().get(), Some(Ok(_))) {
            if let Some(form) = form.get() {
                form.reset();
            }
        }
    });
    let empty = roles.is_empty();
    let rows = roles.into_iter().map(|role| view! { <CustomRoleRow role manage your_permissions /> }).collect_view();
    view! {
        <section class="card" aria-labelledby="roles-heading">
            <h2 id="roles-heading">"Custom roles"</h2>
            <p class="hint">"A custom role is a name and the permissions it gives. Individual overrides still apply on top."</p>
            {empty.then(|| view! { <p class="hint">"No custom roles yet."</p> })}
            <ul class="roles">{rows}</ul>
            {manage.then(|| view! {
                <details class="create-role">
                    <summary>"New custom role"</summary>
                    <ActionForm action=create node_ref=form>
                        <TextField id="new-role-name" name="name" label="Role name" required=true maxlength=60 error=field_error(error, "name") />
                        <PermissionCheckboxes prefix="new-role".to_owned() checked=PermissionSet::EMPTY allowed=your_permissions />
                        <FieldError id="new-role-permissions-error".to_owned() message=field_error(error, "permissions") />
                        <FormError error />
                        <SubmitButton label="Create role" busy_label="Creating…" pending=create.pending() />
                    </ActionForm>
                </details>
            })}
        </section>
    }
    .into_any()
}

#[component]
fn CustomRoleRow(role: CustomRole, manage: bool, your_permissions: PermissionSet) -> impl IntoView {
    let update = ServerAction::<UpdateRole>::new();
    let delete = ServerAction::<DeleteRole>::new();
    refresh_after(update);
    refresh_after(delete);
    let update_error = action_error(update);
    let delete_error = action_error(delete);
    let id = role.id.to_string();
    let summary = format!(
        "{} · {} permission{} · {}",
        role.name,
        role.permissions.len(),
        if role.permissions.len() == 1 { "" } else { "s" },
        match role.in_use {
            0 => "not in use".to_owned(),
            1 => "1 member or invitation".to_owned(),
            n => format!("{n} members or invitations"),
        }
    );
    view! {
        <li class="role">
            <p>{summary}</p>
            {manage.then(|| { let (edit_id, delete_id, name, current_name) = (id.clone(), id.clone(), role.name.clone(), role.name.clone()); view! {
                <details>
                    <summary>{format!("Edit {name}")}</summary>
                    <ActionForm action=update>
                        <input type="hidden" name="role_id" value=edit_id.clone() />
                        <TextField
                            id=format!("role-name-{edit_id}")
                            name="name"
                            label="Role name"
                            required=true
                            maxlength=60
                            value=current_name
                            error=field_error(update_error, "name")
                        />
                        <PermissionCheckboxes prefix=format!("role-{edit_id}") checked=role.permissions allowed=your_permissions />
                        <FormError error=update_error />
                        <SubmitButton label="Save role" busy_label="Saving…" pending=update.pending() />
                    </ActionForm>
                </details>
                <ActionForm action=delete>
                    <input type="hidden" name="role_id" value=delete_id />
                    <button type="submit" class="danger">{format!("Delete {name}")}</button>
                    <FormError error=delete_error />
                </ActionForm>
            }})}
        </li>
    }
}
