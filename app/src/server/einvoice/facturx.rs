//! Factur-X / ZUGFeRD: typst writes the PDF/A-3b with `factur-x.xml` attached (relationship
//! Alternative); this adds what typst cannot, the Factur-X properties to the XMP metadata with the
//! PDF/A extension schema that declares them (Factur-X 1.0, §6.2.2). Without them a reader would
//! see a PDF/A with an attachment, not an e-invoice.

use crate::server::pdf::PdfError;

/// The file name Factur-X prescribes for the embedded XML.
pub const XML_FILE_NAME: &str = "factur-x.xml";
/// The profile Clerq writes (the `fx:ConformanceLevel` value).
pub const CONFORMANCE_LEVEL: &str = "EN 16931";

const NAMESPACE: &str = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#";

fn property(name: &str, description: &str) -> String {
    format!(
        "<rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>{name}</pdfaProperty:name>\
         <pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category>\
         <pdfaProperty:description>{description}</pdfaProperty:description></rdf:li>"
    )
}

/// The Factur-X extension schema: one `rdf:li` of `pdfaExtension:schemas`.
fn schema() -> String {
    let properties = [
        property("DocumentFileName", "name of the embedded XML invoice file"),
        property("DocumentType", "INVOICE"),
        property("Version", "The actual version of the Factur-X XML schema"),
        property("ConformanceLevel", "The conformance level of the embedded Factur-X data"),
    ]
    .concat();
    format!(
        "<rdf:li rdf:parseType=\"Resource\"><pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>\
         <pdfaSchema:namespaceURI>{NAMESPACE}</pdfaSchema:namespaceURI><pdfaSchema:prefix>fx</pdfaSchema:prefix>\
         <pdfaSchema:property><rdf:Seq>{properties}</rdf:Seq></pdfaSchema:property></rdf:li>"
    )
}

/// The Factur-X properties themselves.
fn values() -> String {
    format!(
        "<rdf:Description rdf:about=\"\" xmlns:fx=\"{NAMESPACE}\">\
         <fx:DocumentType>INVOICE</fx:DocumentType><fx:DocumentFileName>{XML_FILE_NAME}</fx:DocumentFileName>\
         <fx:Version>1.0</fx:Version><fx:ConformanceLevel>{CONFORMANCE_LEVEL}</fx:ConformanceLevel></rdf:Description>"
    )
}

/// The XMP packet with the Factur-X properties and schema added (`None` if it is not an RDF
/// packet). typst already declares extension schemas for PDF/A; a second `pdfaExtension:schemas`
/// property on the same subject is invalid XMP, so the Factur-X schema joins typst's list.
fn patch_xmp(xmp: &str) -> Option<String> {
    const SCHEMAS_END: &str = "</rdf:Bag></pdfaExtension:schemas>";
    let end = xmp.rfind("</rdf:RDF>")?;
    let patched = match xmp.find(SCHEMAS_END).filter(|&at| at < end) {
        Some(at) => format!("{}{}{}{}{}", &xmp[..at], schema(), &xmp[at..end], values(), &xmp[end..]),
        None => format!(
            "{}{}<rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" \
             xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\
             <pdfaExtension:schemas><rdf:Bag>{}</rdf:Bag></pdfaExtension:schemas></rdf:Description>{}",
            &xmp[..end],
            values(),
            schema(),
            &xmp[end..]
        ),
    };
    Some(patched)
}

fn failed(what: &str, e: impl std::fmt::Display) -> PdfError {
    PdfError::Export(format!("the Factur-X metadata could not be written ({what}): {e}"))
}

/// Rewrites the PDF's catalog metadata stream with the Factur-X properties.
pub fn add_metadata(pdf: &[u8]) -> Result<Vec<u8>, PdfError> {
    let mut document = lopdf::Document::load_mem(pdf).map_err(|e| failed("reading the PDF", e))?;
    let metadata = document
        .catalog()
        .and_then(|catalog| catalog.get(b"Metadata"))
        .and_then(lopdf::Object::as_reference)
        .map_err(|e| failed("finding the XMP", e))?;
    let stream = document
        .get_object_mut(metadata)
        .and_then(lopdf::Object::as_stream_mut)
        .map_err(|e| failed("reading the XMP", e))?;
    // typst writes the packet uncompressed (PDF/A wants it readable without filters).
    let xmp = std::str::from_utf8(&stream.content).map_err(|e| failed("decoding the XMP", e))?;
    let patched = patch_xmp(xmp).ok_or_else(|| failed("patching the XMP", "no rdf:RDF element"))?;
    stream.set_content(patched.into_bytes());
    let mut out = Vec::with_capacity(pdf.len() + 4096);
    document.save_to(&mut out).map_err(|e| failed("writing the PDF", e))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_joins_an_existing_extension_list_or_brings_its_own() {
        let typst = "<x:xmpmeta xmlns:x=\"x\"><rdf:RDF xmlns:rdf=\"r\"><rdf:Description rdf:about=\"\" \
                     xmlns:pdfaExtension=\"e\" xmlns:pdfaSchema=\"s\" xmlns:pdfaProperty=\"p\"><pdfaExtension:schemas>\
                     <rdf:Bag><rdf:li>xmpMM</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description></rdf:RDF></x:xmpmeta>";
        let patched = patch_xmp(typst).expect("patched");
        assert_eq!(patched.matches("<pdfaExtension:schemas>").count(), 1, "one list of schemas: {patched}");
        assert!(
            patched.contains("<rdf:li>xmpMM</rdf:li><rdf:li rdf:parseType=\"Resource\"><pdfaSchema:schema>Factur-X")
        );
        assert!(patched.contains("<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel></rdf:Description></rdf:RDF>"));
        assert!(roxmltree::Document::parse(&patched).is_ok());

        let bare = "<x:xmpmeta xmlns:x=\"x\"><rdf:RDF xmlns:rdf=\"r\"><rdf:Description/></rdf:RDF></x:xmpmeta>";
        let patched = patch_xmp(bare).expect("patched");
        assert_eq!(patched.matches("<pdfaExtension:schemas>").count(), 1);
        assert!(roxmltree::Document::parse(&patched).is_ok());
        assert_eq!(patch_xmp("<nothing/>"), None);
    }

    /// The whole path: typst's PDF/A-3b with the XML attached, then the metadata. The Python
    /// checks in `scripts/einvoice-check.py` validate the same output with factur-x's reader.
    #[test]
    fn a_facturx_pdf_is_pdf_a_3b_with_the_xml_attached() {
        let xml = super::super::cii::write(&super::super::tests::sample(super::super::Category::Standard));
        let document = crate::server::pdf::InvoiceDocument {
            business_name: "Studio".into(),
            brand_color: "#228E80".into(),
            title: "Invoice 2026-0001".into(),
            dated: "2026-11-30".parse().ok(),
            facturx_xml: Some(xml.clone()),
            ..crate::server::pdf::InvoiceDocument::default()
        };
        let (pdf, _) = crate::server::pdf::render(&document).expect("rendered");
        let pdf = add_metadata(&pdf).expect("metadata");
        let parsed = lopdf::Document::load_mem(&pdf).expect("a PDF lopdf reads back");
        let catalog = parsed.catalog().expect("catalog");
        let xmp_ref = catalog.get(b"Metadata").and_then(lopdf::Object::as_reference).expect("metadata");
        let xmp = parsed.get_object(xmp_ref).and_then(lopdf::Object::as_stream).expect("stream");
        let xmp = String::from_utf8(xmp.content.clone()).expect("utf-8");
        assert!(xmp.contains("<pdfaid:part>3</pdfaid:part>") || xmp.contains("pdfaid:part=\"3\""), "{xmp}");
        assert!(xmp.contains("<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>"));
        assert_eq!(xmp.matches("<pdfaExtension:schemas>").count(), 1, "{xmp}");
        assert!(catalog.get(b"AF").is_ok(), "the catalog lists the associated file");
        // The embedded XML is the XML we wrote, byte for byte (uncompressed or deflated).
        let embedded = parsed
            .objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .filter(|s| s.dict.get(b"Type").and_then(lopdf::Object::as_name).ok() == Some(b"EmbeddedFile".as_slice()))
            .map(|s| s.decompressed_content().unwrap_or_else(|_| s.content.clone()))
            .next()
            .expect("an embedded file");
        assert_eq!(String::from_utf8(embedded).expect("utf-8"), xml);
    }
}
