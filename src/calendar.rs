//! Calendar dates as thidua needs them: parsed from `thidua.toml`, today in
//! Vietnam's time zone, and written the way Nghị định 30/2020 writes them.

use std::fmt;

use serde::{Deserialize, Deserializer};

/// A calendar date, as `thidua.toml` writes it (`2026-12-05`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub fn parse(text: &str) -> Option<Date> {
        let mut it = text.trim().splitn(3, '-');
        let year: i32 = it.next()?.parse().ok()?;
        let month: u32 = it.next()?.parse().ok()?;
        let day: u32 = it.next()?.parse().ok()?;
        let date = Date { year, month, day };
        let valid =
            (1900..=9999).contains(&year) && (1..=12).contains(&month) && (1..=date.days_in_month()).contains(&day);
        valid.then_some(date)
    }

    fn days_in_month(&self) -> u32 {
        match self.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            _ if (self.year % 4 == 0 && self.year % 100 != 0) || self.year % 400 == 0 => 29,
            _ => 28,
        }
    }

    /// A date as a person types it in a cell: `05/12/2026`, `5-12-2026`,
    /// `5.12.2026` (day first, as Vietnamese write it) or `2026-12-05`.
    pub fn parse_vietnamese(text: &str) -> Option<Date> {
        let text = text.trim();
        if let Some(date) = Date::parse(text) {
            return Some(date);
        }
        let parts: Vec<&str> = text.split(['/', '-', '.']).map(str::trim).collect();
        let [day, month, year] = parts[..] else { return None };
        Date::parse(&format!("{year}-{month}-{day}"))
    }

    /// The date of an Excel serial day number (1900 date system, as
    /// Excel and LibreOffice store a date cell); the time of day is dropped.
    pub fn from_serial(serial: f64) -> Option<Date> {
        if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
            return None;
        }
        let day = serial.floor() as i64;
        // Serial 60 is the 29 February 1900 that never was.
        if day == 60 {
            return Some(Date {
                year: 1900,
                month: 2,
                day: 29,
            });
        }
        // Day 25569 is 1970-01-01; before the phantom day Excel is one ahead.
        let from_1899_12_30 = if day < 60 { day + 1 } else { day };
        Some(Date::from_days(from_1899_12_30 - 25_569))
    }

    /// The Excel serial of this date (the inverse of [`Date::from_serial`]);
    /// `None` outside years 1900-9999 or for an impossible month or day.
    pub fn serial(&self) -> Option<f64> {
        let Date { year, month, day } = *self;
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) || !(1900..=9999).contains(&year) {
            return None;
        }
        let (y, m) = if month <= 2 {
            (year - 1, month + 9)
        } else {
            (year, month - 3)
        };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * m as i32 + 2) / 5 + day as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let unix = i64::from(era) * 146_097 + i64::from(doe) - 719_468;
        let serial = unix + 25_569;
        Some(if serial <= 60 { serial - 1 } else { serial } as f64)
    }

    /// Today in UTC+7 (Vietnam), from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Date::from_days((secs + 7 * 3600).div_euclid(86_400))
    }

    /// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// `ngày 05 tháng 12 năm 2026`: Nghị định 30/2020 pads days below 10 and
    /// months 1 and 2 with a zero.
    pub fn vietnamese(&self) -> String {
        let month = if self.month <= 2 {
            format!("{:02}", self.month)
        } else {
            self.month.to_string()
        };
        format!("ngày {:02} tháng {} năm {}", self.day, month, self.year)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "\"{s}\" không phải ngày hợp lệ; cần dạng năm-tháng-ngày, ví dụ \"2026-12-05\""
            ))
        })
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_decree_30() {
        assert_eq!(
            Date::parse("2026-12-05").unwrap().vietnamese(),
            "ngày 05 tháng 12 năm 2026"
        );
        assert_eq!(
            Date::parse("2026-02-15").unwrap().vietnamese(),
            "ngày 15 tháng 02 năm 2026"
        );
        assert_eq!(
            Date::parse("2026-03-05").unwrap().vietnamese(),
            "ngày 05 tháng 3 năm 2026"
        );
        assert_eq!(Date::parse("2026-02-30"), None);
        assert_eq!(Date::parse_vietnamese("05/12/2026"), Date::parse("2026-12-05"));
        assert_eq!(Date::parse_vietnamese(" 5-12-2026 "), Date::parse("2026-12-05"));
        assert_eq!(Date::parse_vietnamese("2026-12-05"), Date::parse("2026-12-05"));
        assert_eq!(Date::parse_vietnamese("32/12/2026"), None);
        assert_eq!(Date::parse_vietnamese("hôm qua"), None);
        assert_eq!(Date::from_serial(46_361.0), Date::parse("2026-12-05"));
        assert_eq!(Date::from_serial(-3.0), None);
        assert_eq!(
            Date::from_days(0),
            Date {
                year: 1970,
                month: 1,
                day: 1
            }
        );
        assert_eq!(
            Date::from_days(20_792),
            Date {
                year: 2026,
                month: 12,
                day: 5
            }
        );
    }
}
