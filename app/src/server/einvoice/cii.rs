//! UN/CEFACT Cross Industry Invoice D16B, Factur-X profile EN 16931: the XML a Factur-X PDF
//! carries as `factur-x.xml`. Element order follows the Factur-X XSD (a test validates against it).

use super::xml::{date_102, document, finish, leaf, leaf_with, node, W};
use super::{EDocument, Party, EN16931};
use std::io;

const RSM: &str = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";
const RAM: &str = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100";
const QDT: &str = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100";
const UDT: &str = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100";

pub fn write(doc: &EDocument) -> String {
    let mut w = document();
    // Writing into a Vec cannot fail.
    let _ = root(&mut w, doc);
    finish(w)
}

fn root(w: &mut W, doc: &EDocument) -> io::Result<()> {
    w.create_element("rsm:CrossIndustryInvoice")
        .with_attributes([("xmlns:rsm", RSM), ("xmlns:qdt", QDT), ("xmlns:ram", RAM), ("xmlns:udt", UDT)])
        .write_inner_content(|w| {
            node(w, "rsm:ExchangedDocumentContext", |w| {
                node(w, "ram:GuidelineSpecifiedDocumentContextParameter", |w| leaf(w, "ram:ID", EN16931))
            })?;
            node(w, "rsm:ExchangedDocument", |w| {
                leaf(w, "ram:ID", &doc.number)?;
                leaf(w, "ram:TypeCode", doc.kind.type_code())?;
                node(w, "ram:IssueDateTime", |w| date(w, "udt", doc.issue_date))?;
                for note in &doc.notes {
                    node(w, "ram:IncludedNote", |w| leaf(w, "ram:Content", note))?;
                }
                Ok(())
            })?;
            node(w, "rsm:SupplyChainTradeTransaction", |w| {
                for line in &doc.lines {
                    line_item(w, doc, line)?;
                }
                node(w, "ram:ApplicableHeaderTradeAgreement", |w| {
                    party(w, "ram:SellerTradeParty", &doc.seller)?;
                    party(w, "ram:BuyerTradeParty", &doc.buyer)
                })?;
                // Nothing is shipped: the element is required, its content is not.
                w.create_element("ram:ApplicableHeaderTradeDelivery").write_empty()?;
                settlement(w, doc)
            })
        })?;
    Ok(())
}

fn date(w: &mut W, prefix: &str, day: chrono::NaiveDate) -> io::Result<()> {
    leaf_with(w, &format!("{prefix}:DateTimeString"), ("format", "102"), &date_102(day))
}

fn line_item(w: &mut W, doc: &EDocument, line: &super::ELine) -> io::Result<()> {
    node(w, "ram:IncludedSupplyChainTradeLineItem", |w| {
        node(w, "ram:AssociatedDocumentLineDocument", |w| {
            leaf(w, "ram:LineID", &line.id)?;
            if !line.note.is_empty() {
                node(w, "ram:IncludedNote", |w| leaf(w, "ram:Content", &line.note))?;
            }
            Ok(())
        })?;
        node(w, "ram:SpecifiedTradeProduct", |w| leaf(w, "ram:Name", &line.name))?;
        node(w, "ram:SpecifiedLineTradeAgreement", |w| {
            node(w, "ram:NetPriceProductTradePrice", |w| leaf(w, "ram:ChargeAmount", &doc.amount(line.price_minor)))
        })?;
        node(w, "ram:SpecifiedLineTradeDelivery", |w| {
            leaf_with(w, "ram:BilledQuantity", ("unitCode", line.unit), &line.quantity)
        })?;
        node(w, "ram:SpecifiedLineTradeSettlement", |w| {
            node(w, "ram:ApplicableTradeTax", |w| {
                leaf(w, "ram:TypeCode", "VAT")?;
                leaf(w, "ram:CategoryCode", doc.category.code())?;
                leaf(w, "ram:RateApplicablePercent", &doc.rate_percent)
            })?;
            node(w, "ram:SpecifiedTradeSettlementLineMonetarySummation", |w| {
                leaf(w, "ram:LineTotalAmount", &doc.amount(line.net_minor))
            })
        })
    })
}

fn party(w: &mut W, name: &str, party: &Party) -> io::Result<()> {
    node(w, name, |w| {
        leaf(w, "ram:Name", &party.name)?;
        if !party.registration.is_empty() {
            node(w, "ram:SpecifiedLegalOrganization", |w| leaf(w, "ram:ID", &party.registration))?;
        }
        node(w, "ram:PostalTradeAddress", |w| {
            for (line, element) in party.three_lines().iter().zip(["ram:LineOne", "ram:LineTwo", "ram:LineThree"]) {
                leaf(w, element, line)?;
            }
            leaf(w, "ram:CountryID", &party.country)
        })?;
        if !party.vat_id.is_empty() {
            node(w, "ram:SpecifiedTaxRegistration", |w| leaf_with(w, "ram:ID", ("schemeID", "VA"), &party.vat_id))?;
        }
        Ok(())
    })
}

fn settlement(w: &mut W, doc: &EDocument) -> io::Result<()> {
    node(w, "ram:ApplicableHeaderTradeSettlement", |w| {
        leaf(w, "ram:InvoiceCurrencyCode", doc.currency.as_str())?;
        node(w, "ram:ApplicableTradeTax", |w| {
            leaf(w, "ram:CalculatedAmount", &doc.amount(doc.tax_minor))?;
            leaf(w, "ram:TypeCode", "VAT")?;
            if !doc.exemption_reason.is_empty() {
                leaf(w, "ram:ExemptionReason", &doc.exemption_reason)?;
            }
            leaf(w, "ram:BasisAmount", &doc.amount(doc.subtotal_minor))?;
            leaf(w, "ram:CategoryCode", doc.category.code())?;
            if let Some(code) = doc.category.exemption_code() {
                leaf(w, "ram:ExemptionReasonCode", code)?;
            }
            leaf(w, "ram:RateApplicablePercent", &doc.rate_percent)
        })?;
        if let Some((start, end)) = doc.period {
            node(w, "ram:BillingSpecifiedPeriod", |w| {
                node(w, "ram:StartDateTime", |w| date(w, "udt", start))?;
                node(w, "ram:EndDateTime", |w| date(w, "udt", end))
            })?;
        }
        if !doc.payment_terms.is_empty() || doc.due_date.is_some() {
            node(w, "ram:SpecifiedTradePaymentTerms", |w| {
                if !doc.payment_terms.is_empty() {
                    leaf(w, "ram:Description", &doc.payment_terms)?;
                }
                if let Some(due) = doc.due_date {
                    node(w, "ram:DueDateDateTime", |w| date(w, "udt", due))?;
                }
                Ok(())
            })?;
        }
        node(w, "ram:SpecifiedTradeSettlementHeaderMonetarySummation", |w| {
            leaf(w, "ram:LineTotalAmount", &doc.amount(doc.subtotal_minor))?;
            leaf(w, "ram:TaxBasisTotalAmount", &doc.amount(doc.subtotal_minor))?;
            leaf_with(w, "ram:TaxTotalAmount", ("currencyID", doc.currency.as_str()), &doc.amount(doc.tax_minor))?;
            leaf(w, "ram:GrandTotalAmount", &doc.amount(doc.total_minor))?;
            leaf(w, "ram:TotalPrepaidAmount", &doc.amount(0))?;
            leaf(w, "ram:DuePayableAmount", &doc.amount(doc.total_minor))
        })?;
        if let Some((number, issued)) = &doc.preceding {
            node(w, "ram:InvoiceReferencedDocument", |w| {
                leaf(w, "ram:IssuerAssignedID", number)?;
                node(w, "ram:FormattedIssueDateTime", |w| date(w, "qdt", *issued))
            })?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::super::Category;
    use super::*;

    #[test]
    fn the_xml_carries_the_stored_amounts_and_escapes_names() {
        let xml = write(&sample(Category::Standard));
        for expected in [
            "<ram:TypeCode>380</ram:TypeCode>",
            "<udt:DateTimeString format=\"102\">20261130</udt:DateTimeString>",
            "<ram:Name>Studio &lt;Nord&gt; &amp; Co</ram:Name>",
            "<ram:BilledQuantity unitCode=\"HUR\">1.166667</ram:BilledQuantity>",
            "<ram:LineTotalAmount>36.17</ram:LineTotalAmount>",
            "<ram:TaxTotalAmount currencyID=\"EUR\">7.60</ram:TaxTotalAmount>",
            "<ram:DuePayableAmount>43.77</ram:DuePayableAmount>",
            "<ram:ID schemeID=\"VA\">NL123456789B01</ram:ID>",
            "<ram:LineThree>Amsterdam, Noord-Holland</ram:LineThree>",
        ] {
            assert!(xml.contains(expected), "{expected} in\n{xml}");
        }
        assert!(!xml.contains("ExemptionReason"), "only reverse charge carries an exemption");
    }

    #[test]
    fn reverse_charge_names_its_exemption() {
        let xml = write(&sample(Category::ReverseCharge));
        assert!(xml.contains("<ram:CategoryCode>AE</ram:CategoryCode>"));
        assert!(xml.contains("<ram:ExemptionReasonCode>VATEX-EU-AE</ram:ExemptionReasonCode>"));
        assert!(xml.contains("<ram:RateApplicablePercent>0</ram:RateApplicablePercent>"));
    }
}
