//! What `GET /api/export` writes (PRODUCT §3.15): one statement per section, each row as JSON text
//! made by Postgres, so the route streams rows without holding a table in memory. Every row is the
//! business's own; secrets stay out (password hashes, sessions, OAuth clients, codes and tokens).
//! Logos and receipts carry their bytes as base64 (`png_base64`, `bytes_base64`).

/// A section of the export's `data` object: its key, the statement (`$1` is the business), and
/// whether it holds one object (or null) rather than a list.
pub struct Section {
    pub key: &'static str,
    pub sql: &'static str,
    pub single: bool,
}

const fn list(key: &'static str, sql: &'static str) -> Section {
    Section { key, sql, single: false }
}

pub const SECTIONS: &[Section] = &[
    Section { key: "business", sql: "select to_jsonb(b)::text from businesses b where b.id = $1", single: true },
    list(
        "members",
        "select (to_jsonb(m) || jsonb_build_object('name', a.name, 'email', a.email))::text
         from memberships m join accounts a on a.id = m.user_id where m.business_id = $1 order by m.created_at, m.user_id",
    ),
    list("roles", "select to_jsonb(r)::text from custom_roles r where r.business_id = $1 order by r.created_at, r.id"),
    list(
        "memberPermissions",
        "select to_jsonb(o)::text from permission_overrides o where o.business_id = $1 order by o.user_id, o.permission",
    ),
    list(
        "invitations",
        "select (to_jsonb(i) - 'token' - 'token_hash')::text from invitations i where i.business_id = $1 order by i.created_at, i.id",
    ),
    list("clients", "select to_jsonb(c)::text from clients c where c.business_id = $1 order by c.created_at, c.id"),
    list(
        "clientMemberRates",
        "select to_jsonb(r)::text from team_rates r where r.business_id = $1 order by r.client_id, r.user_id",
    ),
    list("projects", "select to_jsonb(p)::text from projects p where p.business_id = $1 order by p.created_at, p.id"),
    list("tasks", "select to_jsonb(t)::text from tasks t where t.business_id = $1 order by t.created_at, t.id"),
    list("timeEntries", "select to_jsonb(e)::text from time_entries e where e.business_id = $1 order by e.started_at, e.id"),
    list(
        "recurringSchedules",
        "select to_jsonb(s)::text from recurring_schedules s where s.business_id = $1 order by s.created_at, s.id",
    ),
    list(
        "recurringScheduleLines",
        "select to_jsonb(l)::text from recurring_schedules_lines l where l.business_id = $1 order by l.schedule_id, l.position",
    ),
    list("invoices", "select to_jsonb(i)::text from sales_invoices i where i.business_id = $1 order by i.created_at, i.id"),
    list(
        "invoiceLines",
        "select to_jsonb(l)::text from sales_lines l where l.business_id = $1 order by l.invoice_id, l.position",
    ),
    list("invoiceSequences", "select to_jsonb(s)::text from sales_numbers s where s.business_id = $1 order by s.year"),
    list(
        "creditNotes",
        "select to_jsonb(n)::text from sales_notes n where n.business_id = $1 order by n.number_year, n.number_seq",
    ),
    list(
        "creditNoteLines",
        "select to_jsonb(l)::text from sales_notes_lines l where l.business_id = $1 order by l.credit_note_id, l.position",
    ),
    list(
        "creditNoteSequences",
        "select to_jsonb(s)::text from sales_notes_numbers s where s.business_id = $1 order by s.year",
    ),
    list("expenses", "select to_jsonb(x)::text from vendor_expenses x where x.business_id = $1 order by x.incurred_on, x.id"),
    list(
        "receipts",
        "select (to_jsonb(r) - 'bytes' || jsonb_build_object('bytes_base64', translate(encode(r.bytes, 'base64'), E'\n', '')))::text
         from vendor_receipts r where r.business_id = $1 order by r.expense_id",
    ),
    list("activity", "select to_jsonb(t)::text from timeline_entries t where t.business_id = $1 order by t.seq"),
    Section {
        key: "logo",
        sql: "select (to_jsonb(l) - 'png' || jsonb_build_object('png_base64', translate(encode(l.png, 'base64'), E'\n', '')))::text
              from logos l where l.business_id = $1",
        single: true,
    },
];
