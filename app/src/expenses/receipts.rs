//! Receipt uploads, shared by the page (which states the limits and shows the outcome) and the
//! server (which checks the bytes). Uploads are plain multipart posts so they work without
//! JavaScript; the server answers with a redirect to the expense carrying `?receipt=<outcome>`.

/// The largest receipt: 10 MB, as the form says.
pub const RECEIPT_MAX_BYTES: u64 = 10 * 1024 * 1024;
/// What the file input accepts (the server sniffs the bytes regardless).
pub const ACCEPT: &str = "image/png,image/jpeg,image/webp,application/pdf";
/// What the form tells people before they choose a file.
pub const RULES: &str = "PNG, JPEG, WebP or PDF, up to 10 MB.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptProblem {
    #[error("Choose a receipt file: this one is empty.")]
    Empty,
    #[error("This file is larger than 10 MB. Choose a smaller file, or scan the receipt at a lower resolution.")]
    TooLarge,
    #[error("This file is not a PNG, JPEG, WebP or PDF, whatever its name says.")]
    UnknownType,
    #[error("This file could not be read: it may be damaged or cut short.")]
    Damaged,
    #[error("You don't have permission to change this expense's receipt.")]
    Forbidden,
    #[error("The receipt could not be saved. Please try again.")]
    Failed,
}

impl ReceiptProblem {
    pub const ALL: [ReceiptProblem; 6] =
        [Self::Empty, Self::TooLarge, Self::UnknownType, Self::Damaged, Self::Forbidden, Self::Failed];

    pub fn code(self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::TooLarge => "too_large",
            Self::UnknownType => "unknown_type",
            Self::Damaged => "damaged",
            Self::Forbidden => "forbidden",
            Self::Failed => "failed",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// Why scanning a receipt gave no suggestions; travels back to the form as `?scan=<code>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ScanProblem {
    #[error("Choose a photo of the receipt: this file is empty.")]
    Empty,
    #[error("This photo is larger than 2 MB. Take it at a lower resolution, or fill in the fields by hand.")]
    TooLarge,
    #[error("Only PNG and JPEG photos can be scanned.")]
    UnknownType,
    #[error("The receipt could not be read. Fill in the fields by hand.")]
    Unreadable,
    #[error("The scanning service did not answer. Try again later, or fill in the fields by hand.")]
    Unavailable,
    #[error("Scanning is busy right now. Try again in a minute.")]
    Busy,
}

impl ScanProblem {
    pub const ALL: [ScanProblem; 6] =
        [Self::Empty, Self::TooLarge, Self::UnknownType, Self::Unreadable, Self::Unavailable, Self::Busy];

    pub fn code(self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::TooLarge => "too_large",
            Self::UnknownType => "unknown_type",
            Self::Unreadable => "unreadable",
            Self::Unavailable => "unavailable",
            Self::Busy => "busy",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// `1.5 MB`, `820 KB`, `312 bytes`, in the same 1024-based units as the 10 MB limit.
pub fn human_size(bytes: i64) -> String {
    const KB: i64 = 1024;
    const MB: i64 = 1024 * 1024;
    match bytes {
        b if b >= MB => format!("{}.{} MB", b / MB, (b % MB) * 10 / MB),
        b if b >= KB => format!("{} KB", (b + KB / 2) / KB),
        b => format!("{b} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_round_trip_through_their_codes() {
        for problem in ReceiptProblem::ALL {
            assert_eq!(ReceiptProblem::parse(problem.code()), Some(problem));
        }
        assert_eq!(ReceiptProblem::parse("saved"), None);
        for problem in ScanProblem::ALL {
            assert_eq!(ScanProblem::parse(problem.code()), Some(problem));
        }
    }

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_size(312), "312 bytes");
        assert_eq!(human_size(819_600), "800 KB");
        assert_eq!(human_size(10_485_760), "10.0 MB");
        assert_eq!(human_size(1_572_864), "1.5 MB");
    }
}
