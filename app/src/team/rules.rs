//! Who may change whose role, permissions and membership: pure functions of who acts on whom, so
//! the rules are unit-tested here and the operations run them inside a transaction that locks the
//! business row (two owners demoting each other at once cannot leave the business without one).

use super::{Effect, ROLE_NAME_MAX_CHARS};
use crate::business::Role;
use crate::error::{AppError, AppResult};
use crate::ids::UserId;
use crate::permissions::{Permission, PermissionSet};

pub const LAST_OWNER: &str = "A business needs at least one owner. Make someone else an owner first.";

/// Who is acting: their account, role and effective permissions in the business.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub user_id: UserId,
    pub role: Role,
    pub permissions: PermissionSet,
}

/// A rule refused the change; the message says which.
pub fn not_allowed(message: &str) -> AppError {
    AppError::NotAllowed(message.to_owned())
}

/// Changing `target`'s role (currently `target_role`) to `new_role` carrying `new_permissions`.
pub fn check_role_change(
    actor: Actor,
    target: UserId,
    target_role: Role,
    new_role: Role,
    new_permissions: PermissionSet,
    owners: i64,
) -> AppResult<()> {
    // First, so a sole owner trying to step down learns what would let them.
    if target_role == Role::Owner && new_role != Role::Owner && owners <= 1 {
        return Err(not_allowed(LAST_OWNER));
    }
    if actor.user_id == target {
        return Err(not_allowed("You can't change your own role."));
    }
    if target_role == Role::Owner && actor.role != Role::Owner {
        return Err(not_allowed("Only an owner can change an owner's role."));
    }
    if new_role == Role::Owner && actor.role != Role::Owner {
        return Err(not_allowed("Only an owner can make someone an owner."));
    }
    if !new_permissions.is_subset_of(actor.permissions) {
        return Err(not_allowed("You can only give a role whose permissions you have yourself."));
    }
    Ok(())
}

/// Setting (`Some`) or clearing (`None`) an override of `permission` for `target`.
pub fn check_override(
    actor: Actor,
    target: UserId,
    target_role: Role,
    permission: Permission,
    effect: Option<Effect>,
) -> AppResult<()> {
    if actor.user_id == target {
        return Err(not_allowed("You can't change your own permissions."));
    }
    if target_role == Role::Owner {
        return Err(not_allowed("Owners always have every permission; overrides don't apply to them."));
    }
    if effect == Some(Effect::Grant) && !actor.permissions.contains(permission) {
        return Err(not_allowed("You can only grant permissions you have yourself."));
    }
    Ok(())
}

/// The rank rule: nobody removes, re-roles or overrides someone who holds a permission they lack
/// (owners hold everything, so they outrank everyone).
pub fn check_rank(actor: Actor, target_permissions: PermissionSet) -> AppResult<()> {
    if target_permissions.is_subset_of(actor.permissions) {
        Ok(())
    } else {
        Err(not_allowed("You can't change a teammate who has permissions you don't have."))
    }
}

/// Whether `actor` may see (and so share) the link of an invitation to a role carrying
/// `permissions`: only if they could have created it.
pub fn may_share_invitation(actor: Actor, permissions: PermissionSet) -> bool {
    permissions.is_subset_of(actor.permissions)
}

/// Removing `target` from the team.
pub fn check_removal(actor: Actor, target: UserId, target_role: Role, owners: i64) -> AppResult<()> {
    if target_role == Role::Owner && owners <= 1 {
        return Err(not_allowed(LAST_OWNER));
    }
    if actor.user_id == target {
        return Err(not_allowed("You can't remove yourself from the team."));
    }
    if target_role == Role::Owner && actor.role != Role::Owner {
        return Err(not_allowed("Only an owner can remove an owner."));
    }
    Ok(())
}

/// Inviting someone to `role` carrying `permissions`.
pub fn check_invite(actor: Actor, role: Role, permissions: PermissionSet) -> AppResult<()> {
    if role == Role::Owner && actor.role != Role::Owner {
        return Err(not_allowed("Only an owner can invite an owner."));
    }
    if !permissions.is_subset_of(actor.permissions) {
        return Err(not_allowed("You can only invite people to a role whose permissions you have yourself."));
    }
    Ok(())
}

/// A custom role's permissions from form values: every key must exist, and the actor must hold each.
pub fn role_permissions(actor: Actor, keys: &[String]) -> AppResult<PermissionSet> {
    let mut set = PermissionSet::EMPTY;
    for key in keys.iter().map(|k| k.trim()).filter(|k| !k.is_empty()) {
        let permission = Permission::from_key(key)
            .ok_or_else(|| AppError::field("permissions", format!("Unknown permission: {key}")))?;
        set = set.with(permission);
    }
    if !set.is_subset_of(actor.permissions) {
        return Err(not_allowed("You can only include permissions you have yourself."));
    }
    Ok(set)
}

/// An edited custom role's permissions: the actor decides only the permissions they hold; those
/// they don't (and so neither see as changeable nor may give) stay as the role had them.
pub fn edited_role_permissions(actor: Actor, current: PermissionSet, keys: &[String]) -> AppResult<PermissionSet> {
    Ok(role_permissions(actor, keys)?.union(current.difference(actor.permissions)))
}

pub fn role_name(name: &str) -> AppResult<String> {
    let trimmed = crate::validation::single_line(name).map_err(|e| AppError::field("name", e))?;
    if trimmed.is_empty() {
        Err(AppError::field("name", "Enter a name for the role."))
    } else if trimmed.chars().count() > ROLE_NAME_MAX_CHARS {
        Err(AppError::field("name", format!("Keep role names to {ROLE_NAME_MAX_CHARS} characters or fewer.")))
    } else {
        Ok(trimmed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permissions::role_bundle;
    use uuid::Uuid;

    fn actor(role: Role) -> Actor {
        Actor { user_id: UserId(Uuid::now_v7()), role, permissions: role_bundle(role) }
    }

    fn rule(result: AppResult<()>) -> String {
        match result {
            Err(AppError::NotAllowed(message)) => message,
            other => panic!("expected a rule violation, got {other:?}"),
        }
    }

    #[test]
    fn nobody_changes_their_own_role_or_permissions() {
        let owner = actor(Role::Owner);
        let all = PermissionSet::all();
        assert_eq!(
            rule(check_role_change(owner, owner.user_id, Role::Owner, Role::Admin, all, 3)),
            "You can't change your own role."
        );
        assert_eq!(
            rule(check_role_change(owner, owner.user_id, Role::Owner, Role::Admin, all, 1)),
            LAST_OWNER,
            "a sole owner stepping down hears what would let them"
        );
        assert_eq!(
            rule(check_override(owner, owner.user_id, Role::Owner, Permission::ClientsView, None)),
            "You can't change your own permissions."
        );
    }

    #[test]
    fn only_owners_touch_the_owner_role() {
        let admin = actor(Role::Admin);
        let all = PermissionSet::all();
        let someone = UserId(Uuid::now_v7());
        assert_eq!(
            rule(check_role_change(admin, someone, Role::Member, Role::Owner, all, 1)),
            "Only an owner can make someone an owner."
        );
        assert_eq!(
            rule(check_role_change(admin, someone, Role::Owner, Role::Member, role_bundle(Role::Member), 2)),
            "Only an owner can change an owner's role."
        );
        assert_eq!(rule(check_removal(admin, someone, Role::Owner, 2)), "Only an owner can remove an owner.");
        assert_eq!(
            rule(check_role_change(admin, someone, Role::Owner, Role::Member, role_bundle(Role::Member), 1)),
            LAST_OWNER
        );
        assert_eq!(rule(check_invite(admin, Role::Owner, all)), "Only an owner can invite an owner.");
        let owner = actor(Role::Owner);
        assert!(check_role_change(owner, someone, Role::Member, Role::Owner, all, 1).is_ok());
        assert!(check_role_change(owner, someone, Role::Owner, Role::Admin, all, 2).is_ok());
    }

    #[test]
    fn the_last_owner_can_be_neither_demoted_nor_removed() {
        let owner = actor(Role::Owner);
        let other_owner = UserId(Uuid::now_v7());
        assert_eq!(
            rule(check_role_change(owner, other_owner, Role::Owner, Role::Admin, PermissionSet::all(), 1)),
            LAST_OWNER
        );
        assert_eq!(rule(check_removal(owner, other_owner, Role::Owner, 1)), LAST_OWNER);
        assert!(check_removal(owner, other_owner, Role::Owner, 2).is_ok());
    }

    #[test]
    fn grants_are_limited_to_what_the_actor_holds_but_denies_are_not() {
        let manager =
            Actor { user_id: UserId(Uuid::now_v7()), role: Role::Manager, permissions: role_bundle(Role::Manager) };
        let member = UserId(Uuid::now_v7());
        assert_eq!(
            rule(check_override(manager, member, Role::Member, Permission::SettingsEdit, Some(Effect::Grant))),
            "You can only grant permissions you have yourself."
        );
        assert!(check_override(manager, member, Role::Member, Permission::SettingsEdit, Some(Effect::Deny)).is_ok());
        assert!(check_override(manager, member, Role::Member, Permission::SettingsEdit, None).is_ok());
        assert!(check_override(manager, member, Role::Member, Permission::ClientsView, Some(Effect::Grant)).is_ok());
    }

    #[test]
    fn owners_cannot_be_overridden() {
        let owner = actor(Role::Owner);
        assert!(check_override(
            owner,
            UserId(Uuid::now_v7()),
            Role::Owner,
            Permission::ClientsView,
            Some(Effect::Deny)
        )
        .is_err());
    }

    #[test]
    fn roles_and_invitations_cannot_carry_more_than_the_actor_holds() {
        let narrow = Actor {
            user_id: UserId(Uuid::now_v7()),
            role: Role::Custom,
            permissions: [Permission::TeamManageRoles, Permission::TeamInvite, Permission::ClientsView]
                .into_iter()
                .collect(),
        };
        assert!(role_permissions(narrow, &["clients.view".into()]).is_ok());
        assert_eq!(
            rule(role_permissions(narrow, &["clients.view".into(), "clients.edit".into()]).map(|_| ())),
            "You can only include permissions you have yourself."
        );
        assert_eq!(
            role_permissions(narrow, &["clients.fly".into()]).map(|_| ()),
            Err(AppError::field("permissions", "Unknown permission: clients.fly"))
        );
        assert!(check_invite(narrow, Role::Member, role_bundle(Role::Member)).is_err());
        // Editing a role the actor cannot fully see: what they hold is theirs to set, the rest stays.
        let current: PermissionSet = [Permission::ClientsView, Permission::ReportsViewProfit].into_iter().collect();
        assert_eq!(
            edited_role_permissions(narrow, current, &["team.invite".into()]),
            Ok([Permission::TeamInvite, Permission::ReportsViewProfit].into_iter().collect())
        );
        assert!(check_role_change(
            narrow,
            UserId(Uuid::now_v7()),
            Role::Viewer,
            Role::Member,
            role_bundle(Role::Member),
            1
        )
        .is_err());
    }

    #[test]
    fn nobody_removes_themselves() {
        let owner = actor(Role::Owner);
        assert_eq!(
            rule(check_removal(owner, owner.user_id, Role::Owner, 2)),
            "You can't remove yourself from the team."
        );
        assert_eq!(rule(check_removal(owner, owner.user_id, Role::Owner, 1)), LAST_OWNER);
    }

    #[test]
    fn role_names_are_trimmed_and_at_most_60_characters() {
        assert_eq!(role_name("  Designer ").as_deref(), Ok("Designer"));
        assert!(role_name("   ").is_err());
        assert!(role_name(&"x".repeat(60)).is_ok());
        assert!(role_name(&"x".repeat(61)).is_err());
    }

    #[test]
    fn nobody_touches_a_teammate_who_holds_more_than_they_do() {
        let manager = actor(Role::Manager);
        assert_eq!(
            rule(check_rank(manager, role_bundle(Role::Admin))),
            "You can't change a teammate who has permissions you don't have."
        );
        assert!(check_rank(manager, role_bundle(Role::Member)).is_ok(), "a manager outranks a member");
        assert!(check_rank(actor(Role::Owner), role_bundle(Role::Admin)).is_ok());
        assert!(!may_share_invitation(manager, role_bundle(Role::Admin)), "an admin invitation's link stays hidden");
        assert!(may_share_invitation(manager, role_bundle(Role::Contractor)));
    }
}
