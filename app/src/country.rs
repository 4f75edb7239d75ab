//! Countries as EN 16931 names them: ISO 3166-1 alpha-2 codes (plus `XI`, Northern Ireland, for
//! VAT), exactly the list its Schematron rule BR-CL-14 accepts, so an e-invoice never carries a
//! code a validator refuses. Shared by the browser and the server.

/// Sorted and unique (a test checks); a scan of 750 bytes is cheaper than any index.
const CODES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ \
BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER \
ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM \
IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF \
MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK \
PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR ST SV SX SY SZ TC TD TF \
TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XI YE YT ZA ZM ZW";

pub fn is_known(code: &str) -> bool {
    code.len() == 2 && CODES.split(' ').any(|known| known == code)
}

/// An optional country as typed: empty is `None`; otherwise two letters, any case.
pub fn parse_optional(input: &str) -> Result<Option<String>, String> {
    let code = input.trim().to_ascii_uppercase();
    if code.is_empty() {
        Ok(None)
    } else if is_known(&code) {
        Ok(Some(code))
    } else {
        Err("Enter the country's two-letter ISO code, like DE, FR or GB.".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_two_letters_sorted_and_unique() {
        let codes: Vec<&str> = CODES.split(' ').collect();
        assert!(codes.iter().all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())));
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "sorted without duplicates");
        assert_eq!(codes.len(), 249);
    }

    #[test]
    fn typed_codes_are_trimmed_and_upper_cased() {
        assert_eq!(parse_optional(" de "), Ok(Some("DE".into())));
        assert_eq!(parse_optional(""), Ok(None));
        assert_eq!(parse_optional("XI"), Ok(Some("XI".into())), "Northern Ireland, for VAT");
        for bad in ["D", "DEU", "XX", "Germany", "1A"] {
            assert!(parse_optional(bad).is_err(), "{bad}");
        }
    }
}
