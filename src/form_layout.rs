//! The contract between the forms that `thidua forms` writes and the reader
//! that recognises them: sheet names, column titles and the metadata kept in
//! a hidden sheet.

/// The visible sheet members fill in.
pub const SCORE_SHEET: &str = "Tự chấm điểm";

/// The hidden sheet holding [`FormMeta`] as key/value rows.
pub const META_SHEET: &str = "thidua";

/// First cell of the metadata sheet: tells our forms from look-alikes.
pub const META_MARK: &str = "thidua-bieu-mau/1";

/// Column titles of the criteria table in a form.
pub const COLUMNS: [&str; 5] = [
    "Mã",
    "Nội dung",
    "Điểm tối đa",
    "Điểm tự chấm",
    "Giải trình, minh chứng",
];

/// What a form says about itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormMeta {
    pub unit_code: String,
    pub unit_name: String,
    pub bloc: String,
    pub year: i32,
    /// [`crate::reference::framework::Framework::fingerprint`] of the framework it was made from.
    pub framework: String,
}

/// Metadata keys in the order they are written (column A), values in column B.
pub const META_KEYS: [&str; 5] = ["Mã đơn vị", "Tên đơn vị", "Khối", "Năm", "Mã bảng tiêu chí"];

impl FormMeta {
    /// The rows to write: (key, value).
    pub fn rows(&self) -> [(&'static str, String); 5] {
        [
            (META_KEYS[0], self.unit_code.clone()),
            (META_KEYS[1], self.unit_name.clone()),
            (META_KEYS[2], self.bloc.clone()),
            (META_KEYS[3], self.year.to_string()),
            (META_KEYS[4], self.framework.clone()),
        ]
    }

    /// Rebuilds the metadata from key/value pairs read back.
    pub fn from_pairs<'a>(pairs: impl Iterator<Item = (&'a str, String)>) -> FormMeta {
        let mut meta = FormMeta::default();
        for (key, value) in pairs {
            match key {
                k if k == META_KEYS[0] => meta.unit_code = value,
                k if k == META_KEYS[1] => meta.unit_name = value,
                k if k == META_KEYS[2] => meta.bloc = value,
                k if k == META_KEYS[3] => meta.year = value.trim().parse().unwrap_or(0),
                k if k == META_KEYS[4] => meta.framework = value,
                _ => {}
            }
        }
        meta
    }
}
