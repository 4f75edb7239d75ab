//! A member's role in a business. A core type: permissions build their bundles from it, and it
//! depends on no domain module.

crate::text_enum! {
    /// A member's predefined role (`Custom` points at a business-defined role).
    pub enum Role {
        Owner = "owner",
        Admin = "admin",
        Manager = "manager",
        Member = "member",
        Accountant = "accountant",
        Contractor = "contractor",
        Viewer = "viewer",
        Custom = "custom",
    }
}

impl Role {
    pub const PREDEFINED: [Role; 7] =
        [Role::Owner, Role::Admin, Role::Manager, Role::Member, Role::Accountant, Role::Contractor, Role::Viewer];

    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Admin => "Admin",
            Role::Manager => "Manager",
            Role::Member => "Member",
            Role::Accountant => "Accountant",
            Role::Contractor => "Contractor",
            Role::Viewer => "Viewer",
            Role::Custom => "Custom role",
        }
    }
}
