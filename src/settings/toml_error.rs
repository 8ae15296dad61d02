//! Errors of `thidua.toml` in Vietnamese: the line, the table and key where
//! the error is, what was found and what is expected
//! (see docs/thidua-toml.md).

/// Turns a toml/serde error into a Vietnamese message that keeps the line,
/// the table and key where it happened, what was found and what is expected.
pub(super) fn explain_toml_error(e: &toml::de::Error, input: &str) -> String {
    let detail = e.message().trim();
    let place = e.span().map(|span| Place::at(input, span.start));
    let key = place.as_ref().and_then(|p| p.key.clone());
    // serde quotes names in backticks, which a name may itself hold: split
    // at "`, expected " rather than at the next backtick.
    let detail = if let Some(rest) = detail.strip_prefix("unknown field `") {
        let (key, expected) = split_quoted(rest);
        let expected = expected
            .trim_start_matches("one of ")
            .replace('`', "\"")
            .replace(" or ", " hoặc ");
        if expected.is_empty() {
            format!("khóa \"{key}\" không được hỗ trợ ở đây")
        } else {
            format!("khóa \"{key}\" không được hỗ trợ; các khóa hợp lệ ở đây: {expected}")
        }
    } else if let Some(rest) = detail.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        format!("thiếu khóa bắt buộc \"{key}\"")
    } else if let Some(rest) = detail.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let looks_like_date = place
            .as_ref()
            .is_some_and(|p| p.value.starts_with(|c: char| c.is_ascii_digit()) && p.value.contains('-'));
        let expected = if looks_like_date && expected.contains("string") {
            "ngày trong dấu nháy kép, ví dụ \"2026-12-05\"".to_string()
        } else {
            type_name(expected)
        };
        format!("giá trị là {}, nhưng cần {expected}", type_name(found))
    } else if let Some(rest) = detail.strip_prefix("unknown variant `") {
        let (value, expected) = split_quoted(rest);
        let expected = expected
            .trim_start_matches("one of ")
            .replace('`', "\"")
            .replace(" or ", " hoặc ");
        format!("giá trị \"{value}\" không hợp lệ; cần một trong: {expected}")
    } else if detail.starts_with("duplicate key") {
        "khóa này được ghi hai lần; chỉ giữ một dòng".to_string()
    } else if let Some(rest) = detail.strip_prefix("invalid value: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        format!("giá trị {} không hợp lệ; cần {}", type_name(found), type_name(expected))
    } else if detail.contains("không") {
        // Our own deserializers already speak Vietnamese.
        detail.to_string()
    } else {
        format!(
            "sai cú pháp TOML ({detail}); kiểm tra dấu ngoặc [ ], dấu nháy kép quanh chữ và dấu = giữa khóa và giá trị"
        )
    };
    let mut location = Vec::new();
    if let Some(place) = &place {
        location.push(format!("dòng {}", place.line));
        if let Some(table) = &place.table {
            location.push(format!("mục {table}"));
        }
    }
    if let Some(key) = key.filter(|k| !detail.contains(&format!("\"{k}\""))) {
        location.push(format!("khóa \"{key}\""));
    }
    if location.is_empty() {
        detail
    } else {
        format!("{}: {detail}", location.join(", "))
    }
}

/// `name`, expected …` → (`name`, `…`); serde's quoting, split where the
/// quote closes before ", expected" (a name may hold a backtick).
fn split_quoted(rest: &str) -> (&str, &str) {
    match rest.split_once("`, expected ") {
        Some((name, expected)) => (name, expected),
        None => (rest.strip_suffix('`').unwrap_or(rest), ""),
    }
}

/// Where in the settings text an error points: line number, the table
/// header above it and the key and value on its line, when there is one.
struct Place {
    line: usize,
    table: Option<String>,
    key: Option<String>,
    value: String,
}

impl Place {
    fn at(input: &str, offset: usize) -> Place {
        let mut offset = offset.min(input.len());
        while !input.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &input[..offset];
        let line = before.matches('\n').count() + 1;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        let text = input[start..].lines().next().unwrap_or("");
        let (key, value) = match text.split_once('=') {
            Some((k, v)) if !k.trim_start().starts_with(['#', '[']) && !k.trim().is_empty() => {
                (Some(k.trim().trim_matches('"').to_string()), v.trim().to_string())
            }
            _ => (None, String::new()),
        };
        let table = input[..start]
            .lines()
            .rev()
            .map(str::trim)
            .find(|l| l.starts_with('['))
            .map(|l| l.split('#').next().unwrap_or(l).trim().to_string());
        Place {
            line,
            table,
            key,
            value,
        }
    }
}

/// serde's English type names (`i32`, `a string`, `floating point `1.5``)
/// in Vietnamese.
fn type_name(text: &str) -> String {
    let text = text.trim();
    let (kind, value) = match text.split_once(' ') {
        Some((k, v)) if k == "string" || k == "integer" || k == "boolean" => (k, v.trim_matches('`').to_string()),
        _ if text.starts_with("floating point") => (
            "float",
            text.trim_start_matches("floating point")
                .trim()
                .trim_matches('`')
                .to_string(),
        ),
        _ => (text, String::new()),
    };
    let name = match kind {
        "string" | "a string" => "chữ trong dấu nháy kép",
        "integer" | "i8" | "i16" | "i32" | "i64" => "số nguyên",
        "u8" | "u16" | "u32" | "u64" | "usize" => "số nguyên không âm",
        "float" | "f32" | "f64" => "số",
        "boolean" | "a boolean" => "true hoặc false",
        "sequence" | "a sequence" => "danh sách [ … ]",
        "map" | "a map" => "một bảng (mục [ … ] hoặc ngày giờ không có dấu nháy)",
        other => return other.replace('`', "\""),
    };
    if value.is_empty() {
        name.to_string()
    } else {
        format!("{name} {value}")
    }
}
