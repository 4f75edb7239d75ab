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

    /// One line on what the role may do, for the invite form.
    pub fn description(self) -> &'static str {
        match self {
            Role::Owner => "Everything, including giving the owner role and deleting the business.",
            Role::Admin => "Everything an owner can do except giving or taking the owner role.",
            Role::Manager => "Everything a member can do, and invites or removes teammates and manages their time.",
            Role::Member => "Clients, projects, tasks, time, invoices and expenses; no team or profit reports.",
            Role::Accountant => "Invoices, expenses and profit reports; sees clients, projects and everyone's time.",
            Role::Contractor => "Logs time on projects' tasks and sees only their own time.",
            Role::Viewer => "Sees clients, projects, invoices and expenses; changes nothing.",
            Role::Custom => "The permissions the business chose for this role.",
        }
    }

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
