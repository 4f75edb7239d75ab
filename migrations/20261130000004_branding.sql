-- Branding (PRODUCT §3.2): the PDF's accent colour and the footer note printed at its end.
alter table businesses
  add column brand_color text not null default '#228E80',
  add column footer_note text not null default '',
  add constraint businesses_brand_color_check check (brand_color ~ '^#[0-9A-F]{6}$'),
  add constraint businesses_footer_note_check check (length(footer_note) <= 280);
