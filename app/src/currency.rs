//! ISO 4217 currencies in circulation: code, name and minor-unit digits (how many decimals an
//! amount may have). Funds, precious metals and withdrawn codes are left out: nobody invoices in them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Currency {
    pub code: &'static str,
    pub minor_units: u8,
    pub name: &'static str,
}

/// Sorted by code, so lookups can binary-search.
pub const CURRENCIES: &[Currency] = &[
    Currency { code: "AED", minor_units: 2, name: "UAE Dirham" },
    Currency { code: "AFN", minor_units: 2, name: "Afghani" },
    Currency { code: "ALL", minor_units: 2, name: "Lek" },
    Currency { code: "AMD", minor_units: 2, name: "Armenian Dram" },
    Currency { code: "AOA", minor_units: 2, name: "Kwanza" },
    Currency { code: "ARS", minor_units: 2, name: "Argentine Peso" },
    Currency { code: "AUD", minor_units: 2, name: "Australian Dollar" },
    Currency { code: "AWG", minor_units: 2, name: "Aruban Florin" },
    Currency { code: "AZN", minor_units: 2, name: "Azerbaijan Manat" },
    Currency { code: "BAM", minor_units: 2, name: "Convertible Mark" },
    Currency { code: "BBD", minor_units: 2, name: "Barbados Dollar" },
    Currency { code: "BDT", minor_units: 2, name: "Taka" },
    Currency { code: "BGN", minor_units: 2, name: "Bulgarian Lev" },
    Currency { code: "BHD", minor_units: 3, name: "Bahraini Dinar" },
    Currency { code: "BIF", minor_units: 0, name: "Burundi Franc" },
    Currency { code: "BMD", minor_units: 2, name: "Bermudian Dollar" },
    Currency { code: "BND", minor_units: 2, name: "Brunei Dollar" },
    Currency { code: "BOB", minor_units: 2, name: "Boliviano" },
    Currency { code: "BRL", minor_units: 2, name: "Brazilian Real" },
    Currency { code: "BSD", minor_units: 2, name: "Bahamian Dollar" },
    Currency { code: "BTN", minor_units: 2, name: "Ngultrum" },
    Currency { code: "BWP", minor_units: 2, name: "Pula" },
    Currency { code: "BYN", minor_units: 2, name: "Belarusian Ruble" },
    Currency { code: "BZD", minor_units: 2, name: "Belize Dollar" },
    Currency { code: "CAD", minor_units: 2, name: "Canadian Dollar" },
    Currency { code: "CDF", minor_units: 2, name: "Congolese Franc" },
    Currency { code: "CHF", minor_units: 2, name: "Swiss Franc" },
    Currency { code: "CLP", minor_units: 0, name: "Chilean Peso" },
    Currency { code: "CNY", minor_units: 2, name: "Yuan Renminbi" },
    Currency { code: "COP", minor_units: 2, name: "Colombian Peso" },
    Currency { code: "CRC", minor_units: 2, name: "Costa Rican Colon" },
    Currency { code: "CUP", minor_units: 2, name: "Cuban Peso" },
    Currency { code: "CVE", minor_units: 2, name: "Cabo Verde Escudo" },
    Currency { code: "CZK", minor_units: 2, name: "Czech Koruna" },
    Currency { code: "DJF", minor_units: 0, name: "Djibouti Franc" },
    Currency { code: "DKK", minor_units: 2, name: "Danish Krone" },
    Currency { code: "DOP", minor_units: 2, name: "Dominican Peso" },
    Currency { code: "DZD", minor_units: 2, name: "Algerian Dinar" },
    Currency { code: "EGP", minor_units: 2, name: "Egyptian Pound" },
    Currency { code: "ERN", minor_units: 2, name: "Nakfa" },
    Currency { code: "ETB", minor_units: 2, name: "Ethiopian Birr" },
    Currency { code: "EUR", minor_units: 2, name: "Euro" },
    Currency { code: "FJD", minor_units: 2, name: "Fiji Dollar" },
    Currency { code: "FKP", minor_units: 2, name: "Falkland Islands Pound" },
    Currency { code: "GBP", minor_units: 2, name: "Pound Sterling" },
    Currency { code: "GEL", minor_units: 2, name: "Lari" },
    Currency { code: "GHS", minor_units: 2, name: "Ghana Cedi" },
    Currency { code: "GIP", minor_units: 2, name: "Gibraltar Pound" },
    Currency { code: "GMD", minor_units: 2, name: "Dalasi" },
    Currency { code: "GNF", minor_units: 0, name: "Guinean Franc" },
    Currency { code: "GTQ", minor_units: 2, name: "Quetzal" },
    Currency { code: "GYD", minor_units: 2, name: "Guyana Dollar" },
    Currency { code: "HKD", minor_units: 2, name: "Hong Kong Dollar" },
    Currency { code: "HNL", minor_units: 2, name: "Lempira" },
    Currency { code: "HTG", minor_units: 2, name: "Gourde" },
    Currency { code: "HUF", minor_units: 2, name: "Forint" },
    Currency { code: "IDR", minor_units: 2, name: "Rupiah" },
    Currency { code: "ILS", minor_units: 2, name: "New Israeli Sheqel" },
    Currency { code: "INR", minor_units: 2, name: "Indian Rupee" },
    Currency { code: "IQD", minor_units: 3, name: "Iraqi Dinar" },
    Currency { code: "IRR", minor_units: 2, name: "Iranian Rial" },
    Currency { code: "ISK", minor_units: 0, name: "Iceland Krona" },
    Currency { code: "JMD", minor_units: 2, name: "Jamaican Dollar" },
    Currency { code: "JOD", minor_units: 3, name: "Jordanian Dinar" },
    Currency { code: "JPY", minor_units: 0, name: "Yen" },
    Currency { code: "KES", minor_units: 2, name: "Kenyan Shilling" },
    Currency { code: "KGS", minor_units: 2, name: "Som" },
    Currency { code: "KHR", minor_units: 2, name: "Riel" },
    Currency { code: "KMF", minor_units: 0, name: "Comorian Franc" },
    Currency { code: "KPW", minor_units: 2, name: "North Korean Won" },
    Currency { code: "KRW", minor_units: 0, name: "Won" },
    Currency { code: "KWD", minor_units: 3, name: "Kuwaiti Dinar" },
    Currency { code: "KYD", minor_units: 2, name: "Cayman Islands Dollar" },
    Currency { code: "KZT", minor_units: 2, name: "Tenge" },
    Currency { code: "LAK", minor_units: 2, name: "Lao Kip" },
    Currency { code: "LBP", minor_units: 2, name: "Lebanese Pound" },
    Currency { code: "LKR", minor_units: 2, name: "Sri Lanka Rupee" },
    Currency { code: "LRD", minor_units: 2, name: "Liberian Dollar" },
    Currency { code: "LSL", minor_units: 2, name: "Loti" },
    Currency { code: "LYD", minor_units: 3, name: "Libyan Dinar" },
    Currency { code: "MAD", minor_units: 2, name: "Moroccan Dirham" },
    Currency { code: "MDL", minor_units: 2, name: "Moldovan Leu" },
    Currency { code: "MGA", minor_units: 2, name: "Malagasy Ariary" },
    Currency { code: "MKD", minor_units: 2, name: "Denar" },
    Currency { code: "MMK", minor_units: 2, name: "Kyat" },
    Currency { code: "MNT", minor_units: 2, name: "Tugrik" },
    Currency { code: "MOP", minor_units: 2, name: "Pataca" },
    Currency { code: "MRU", minor_units: 2, name: "Ouguiya" },
    Currency { code: "MUR", minor_units: 2, name: "Mauritius Rupee" },
    Currency { code: "MVR", minor_units: 2, name: "Rufiyaa" },
    Currency { code: "MWK", minor_units: 2, name: "Malawi Kwacha" },
    Currency { code: "MXN", minor_units: 2, name: "Mexican Peso" },
    Currency { code: "MYR", minor_units: 2, name: "Malaysian Ringgit" },
    Currency { code: "MZN", minor_units: 2, name: "Mozambique Metical" },
    Currency { code: "NAD", minor_units: 2, name: "Namibia Dollar" },
    Currency { code: "NGN", minor_units: 2, name: "Naira" },
    Currency { code: "NIO", minor_units: 2, name: "Cordoba Oro" },
    Currency { code: "NOK", minor_units: 2, name: "Norwegian Krone" },
    Currency { code: "NPR", minor_units: 2, name: "Nepalese Rupee" },
    Currency { code: "NZD", minor_units: 2, name: "New Zealand Dollar" },
    Currency { code: "OMR", minor_units: 3, name: "Rial Omani" },
    Currency { code: "PAB", minor_units: 2, name: "Balboa" },
    Currency { code: "PEN", minor_units: 2, name: "Sol" },
    Currency { code: "PGK", minor_units: 2, name: "Kina" },
    Currency { code: "PHP", minor_units: 2, name: "Philippine Peso" },
    Currency { code: "PKR", minor_units: 2, name: "Pakistan Rupee" },
    Currency { code: "PLN", minor_units: 2, name: "Zloty" },
    Currency { code: "PYG", minor_units: 0, name: "Guarani" },
    Currency { code: "QAR", minor_units: 2, name: "Qatari Rial" },
    Currency { code: "RON", minor_units: 2, name: "Romanian Leu" },
    Currency { code: "RSD", minor_units: 2, name: "Serbian Dinar" },
    Currency { code: "RUB", minor_units: 2, name: "Russian Ruble" },
    Currency { code: "RWF", minor_units: 0, name: "Rwanda Franc" },
    Currency { code: "SAR", minor_units: 2, name: "Saudi Riyal" },
    Currency { code: "SBD", minor_units: 2, name: "Solomon Islands Dollar" },
    Currency { code: "SCR", minor_units: 2, name: "Seychelles Rupee" },
    Currency { code: "SDG", minor_units: 2, name: "Sudanese Pound" },
    Currency { code: "SEK", minor_units: 2, name: "Swedish Krona" },
    Currency { code: "SGD", minor_units: 2, name: "Singapore Dollar" },
    Currency { code: "SHP", minor_units: 2, name: "Saint Helena Pound" },
    Currency { code: "SLE", minor_units: 2, name: "Leone" },
    Currency { code: "SOS", minor_units: 2, name: "Somali Shilling" },
    Currency { code: "SRD", minor_units: 2, name: "Surinam Dollar" },
    Currency { code: "SSP", minor_units: 2, name: "South Sudanese Pound" },
    Currency { code: "STN", minor_units: 2, name: "Dobra" },
    Currency { code: "SVC", minor_units: 2, name: "El Salvador Colon" },
    Currency { code: "SYP", minor_units: 2, name: "Syrian Pound" },
    Currency { code: "SZL", minor_units: 2, name: "Lilangeni" },
    Currency { code: "THB", minor_units: 2, name: "Baht" },
    Currency { code: "TJS", minor_units: 2, name: "Somoni" },
    Currency { code: "TMT", minor_units: 2, name: "Turkmenistan New Manat" },
    Currency { code: "TND", minor_units: 3, name: "Tunisian Dinar" },
    Currency { code: "TOP", minor_units: 2, name: "Pa'anga" },
    Currency { code: "TRY", minor_units: 2, name: "Turkish Lira" },
    Currency { code: "TTD", minor_units: 2, name: "Trinidad and Tobago Dollar" },
    Currency { code: "TWD", minor_units: 2, name: "New Taiwan Dollar" },
    Currency { code: "TZS", minor_units: 2, name: "Tanzanian Shilling" },
    Currency { code: "UAH", minor_units: 2, name: "Hryvnia" },
    Currency { code: "UGX", minor_units: 0, name: "Uganda Shilling" },
    Currency { code: "USD", minor_units: 2, name: "US Dollar" },
    Currency { code: "UYU", minor_units: 2, name: "Peso Uruguayo" },
    Currency { code: "UZS", minor_units: 2, name: "Uzbekistan Sum" },
    Currency { code: "VED", minor_units: 2, name: "Bolivar Soberano (digital)" },
    Currency { code: "VES", minor_units: 2, name: "Bolivar Soberano" },
    Currency { code: "VND", minor_units: 0, name: "Dong" },
    Currency { code: "VUV", minor_units: 0, name: "Vatu" },
    Currency { code: "WST", minor_units: 2, name: "Tala" },
    Currency { code: "XAF", minor_units: 0, name: "CFA Franc BEAC" },
    Currency { code: "XCD", minor_units: 2, name: "East Caribbean Dollar" },
    Currency { code: "XCG", minor_units: 2, name: "Caribbean Guilder" },
    Currency { code: "XOF", minor_units: 0, name: "CFA Franc BCEAO" },
    Currency { code: "XPF", minor_units: 0, name: "CFP Franc" },
    Currency { code: "YER", minor_units: 2, name: "Yemeni Rial" },
    Currency { code: "ZAR", minor_units: 2, name: "Rand" },
    Currency { code: "ZMW", minor_units: 2, name: "Zambian Kwacha" },
    Currency { code: "ZWG", minor_units: 2, name: "Zimbabwe Gold" },
];

/// The currency for an exact upper-case ISO code.
pub fn find(code: &str) -> Option<&'static Currency> {
    CURRENCIES.binary_search_by(|c| c.code.cmp(code)).ok().map(|i| &CURRENCIES[i])
}

/// Validates a currency code typed or picked by a user (trimmed, case-insensitive).
pub fn parse(input: &str) -> Result<&'static Currency, String> {
    let code = input.trim().to_ascii_uppercase();
    if code.is_empty() {
        return Err("Choose a currency.".into());
    }
    find(&code).ok_or_else(|| format!("{code} is not an ISO 4217 currency code."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_unique_and_well_formed() {
        for pair in CURRENCIES.windows(2) {
            assert!(pair[0].code < pair[1].code, "{} before {}", pair[0].code, pair[1].code);
        }
        for c in CURRENCIES {
            assert!(c.code.len() == 3 && c.code.bytes().all(|b| b.is_ascii_uppercase()), "{}", c.code);
            assert!(c.minor_units <= 3, "{}", c.code);
        }
    }

    #[test]
    fn minor_units_follow_iso_4217() {
        for (code, digits) in [("EUR", 2), ("JPY", 0), ("KWD", 3), ("GBP", 2), ("CLP", 0), ("BHD", 3)] {
            assert_eq!(find(code).map(|c| c.minor_units), Some(digits), "{code}");
        }
    }

    #[test]
    fn parse_is_forgiving_about_case_and_space_but_not_about_codes() {
        assert_eq!(parse(" eur ").map(|c| c.code), Ok("EUR"));
        assert_eq!(parse("EURO").unwrap_err(), "EURO is not an ISO 4217 currency code.");
        assert_eq!(parse("").unwrap_err(), "Choose a currency.");
    }
}
