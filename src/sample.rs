//! The example of `thidua init --sample` and of `samples/`: four blocs of
//! Bắc Ninh province modelled on real blocs, a 100-point framework with bonus
//! and deduction groups, and filled member scores. Deterministic: the same
//! year always gives the same example.

use std::collections::BTreeMap;

use crate::model::Points;
use crate::reference::framework::{Criterion, CriterionKind, Framework, CRITERIA_SHEET};
use crate::reference::registry::{Bloc, Exclusion, Registry, Role, Unit};

/// (code, title, max, kind, guide) of the default framework.
const CRITERIA: &[(&str, &str, i64, CriterionKind, &str)] = &[
    (
        "I",
        "Thực hiện nhiệm vụ chính trị, chuyên môn được giao",
        40,
        CriterionKind::Standard,
        "",
    ),
    (
        "I.1",
        "Hoàn thành các chỉ tiêu, nhiệm vụ kế hoạch năm được giao",
        20,
        CriterionKind::Standard,
        "Đạt 100% chỉ tiêu: 20 điểm; mỗi chỉ tiêu không đạt trừ 2 điểm",
    ),
    (
        "I.2",
        "Triển khai chương trình công tác của Tỉnh ủy, UBND tỉnh",
        10,
        CriterionKind::Standard,
        "Hoàn thành đúng tiến độ: 10 điểm",
    ),
    (
        "I.3",
        "Chất lượng công tác tham mưu, đề xuất",
        10,
        CriterionKind::Standard,
        "Theo đánh giá của cơ quan cấp trên",
    ),
    (
        "II",
        "Cải cách hành chính, chuyển đổi số",
        20,
        CriterionKind::Standard,
        "",
    ),
    (
        "II.1",
        "Giải quyết thủ tục hành chính đúng và trước hạn",
        8,
        CriterionKind::Standard,
        "100% hồ sơ đúng hạn: 8 điểm",
    ),
    (
        "II.2",
        "Ứng dụng công nghệ thông tin, chuyển đổi số trong quản lý, điều hành",
        7,
        CriterionKind::Standard,
        "",
    ),
    (
        "II.3",
        "Thực hiện chế độ thông tin, báo cáo đúng thời hạn",
        5,
        CriterionKind::Standard,
        "Mỗi báo cáo chậm trừ 0,5 điểm",
    ),
    ("III", "Công tác thi đua, khen thưởng", 15, CriterionKind::Standard, ""),
    (
        "III.1",
        "Ban hành kế hoạch, phát động phong trào thi đua",
        5,
        CriterionKind::Standard,
        "",
    ),
    (
        "III.2",
        "Sơ kết, tổng kết, phát hiện và nhân rộng điển hình tiên tiến",
        5,
        CriterionKind::Standard,
        "",
    ),
    (
        "III.3",
        "Tham gia đầy đủ các hoạt động của khối thi đua",
        5,
        CriterionKind::Standard,
        "Mỗi lần vắng không lý do trừ 1 điểm",
    ),
    (
        "IV",
        "Xây dựng Đảng, đoàn thể; kỷ luật, kỷ cương hành chính",
        15,
        CriterionKind::Standard,
        "",
    ),
    (
        "IV.1",
        "Xây dựng tổ chức đảng, đoàn thể trong sạch, vững mạnh",
        5,
        CriterionKind::Standard,
        "",
    ),
    (
        "IV.2",
        "Thực hành tiết kiệm, chống lãng phí; phòng, chống tham nhũng, tiêu cực",
        5,
        CriterionKind::Standard,
        "",
    ),
    (
        "IV.3",
        "Chấp hành kỷ luật, kỷ cương hành chính, văn hóa công vụ",
        5,
        CriterionKind::Standard,
        "",
    ),
    ("V", "Công tác văn hóa, xã hội", 10, CriterionKind::Standard, ""),
    (
        "V.1",
        "Tham gia công tác an sinh xã hội, từ thiện, nhân đạo",
        5,
        CriterionKind::Standard,
        "",
    ),
    (
        "V.2",
        "Phong trào văn hóa, văn nghệ, thể dục thể thao",
        5,
        CriterionKind::Standard,
        "",
    ),
    ("VI", "Điểm thưởng", 5, CriterionKind::Bonus, ""),
    (
        "VI.1",
        "Có sáng kiến, mô hình mới được cấp có thẩm quyền công nhận",
        3,
        CriterionKind::Bonus,
        "Mỗi sáng kiến cấp tỉnh: 1,5 điểm",
    ),
    (
        "VI.2",
        "Được khen thưởng đột xuất, chuyên đề trong năm",
        2,
        CriterionKind::Bonus,
        "",
    ),
    ("VII", "Điểm trừ", 10, CriterionKind::Deduction, ""),
    (
        "VII.1",
        "Chậm gửi báo cáo, văn bản theo yêu cầu của khối",
        5,
        CriterionKind::Deduction,
        "Mỗi lần chậm trừ 0,5 điểm",
    ),
    (
        "VII.2",
        "Có cán bộ, công chức vi phạm pháp luật, bị xử lý kỷ luật",
        5,
        CriterionKind::Deduction,
        "Mỗi trường hợp trừ 2,5 điểm",
    ),
];

/// The default 100-point framework, on sheet `Tiêu chí`.
pub fn framework() -> Framework {
    let mut criteria: Vec<Criterion> = Vec::new();
    for (code, title, max, kind, guide) in CRITERIA {
        let parent = code
            .rsplit_once('.')
            .and_then(|(p, _)| criteria.iter().position(|c| c.code == p));
        if let Some(p) = parent {
            criteria[p].leaf = false;
        }
        criteria.push(Criterion {
            code: code.to_string(),
            title: title.to_string(),
            max: Points(max * 100),
            kind: *kind,
            guide: guide.to_string(),
            parent,
            depth: usize::from(parent.is_some()),
            leaf: true,
        });
    }
    Framework::new(CRITERIA_SHEET, criteria)
}

pub const PARTY_BLOC: &str = "Khối thi đua các cơ quan Đảng tỉnh";
pub const CULTURE_BLOC: &str = "Khối thi đua Văn hóa - Xã hội";
pub const INTERNAL_BLOC: &str = "Khối thi đua các cơ quan Nội chính";
pub const ECONOMIC_BLOC: &str = "Khối thi đua Kinh tế - Kỹ thuật";

/// (bloc, code prefix, members with the index of this year's leader and deputy).
fn blocs() -> Vec<(&'static str, &'static str, Vec<&'static str>, usize, usize)> {
    vec![
        (
            PARTY_BLOC,
            "DG",
            vec![
                "Văn phòng Tỉnh ủy",
                "Ban Tổ chức Tỉnh ủy",
                "Ủy ban Kiểm tra Tỉnh ủy",
                "Ban Tuyên giáo và Dân vận Tỉnh ủy",
                "Ban Nội chính Tỉnh ủy",
                "Đảng ủy các cơ quan Đảng tỉnh",
                "Đảng ủy Ủy ban nhân dân tỉnh",
                "Báo Bắc Ninh",
                "Trường Chính trị Nguyễn Văn Cừ",
                "Ban Bảo vệ, chăm sóc sức khỏe cán bộ tỉnh",
            ],
            9,
            0,
        ),
        (
            CULTURE_BLOC,
            "VX",
            vec![
                "Sở Giáo dục và Đào tạo",
                "Sở Y tế",
                "Sở Văn hóa, Thể thao và Du lịch",
                "Sở Lao động - Thương binh và Xã hội",
                "Đài Phát thanh và Truyền hình tỉnh",
                "Bảo hiểm xã hội tỉnh",
                "Trung tâm Hành chính công tỉnh",
                "Ban Quản lý an toàn thực phẩm tỉnh",
            ],
            5,
            6,
        ),
        (
            INTERNAL_BLOC,
            "NC",
            vec![
                "Cục Thi hành án dân sự tỉnh",
                "Tòa án nhân dân tỉnh",
                "Viện Kiểm sát nhân dân tỉnh",
                "Thanh tra tỉnh",
                "Công an tỉnh",
                "Bộ Chỉ huy Quân sự tỉnh",
                "Sở Tư pháp",
                "Sở Nội vụ",
            ],
            0,
            1,
        ),
        (
            ECONOMIC_BLOC,
            "KT",
            vec![
                "Sở Tài chính",
                "Sở Công Thương",
                "Sở Xây dựng",
                "Sở Nông nghiệp và Môi trường",
                "Sở Khoa học và Công nghệ",
                "Ban Quản lý các khu công nghiệp tỉnh",
                "Thuế tỉnh Bắc Ninh",
                "Kho bạc Nhà nước khu vực",
            ],
            2,
            3,
        ),
    ]
}

/// The example registry, with one unit listed in `Không xét`.
pub fn registry() -> Registry {
    let blocs = blocs()
        .into_iter()
        .map(|(name, prefix, members, leader, deputy)| Bloc {
            name: name.to_string(),
            units: members
                .into_iter()
                .enumerate()
                .map(|(i, unit)| Unit {
                    code: format!("{prefix}{:02}", i + 1),
                    name: unit.to_string(),
                    role: match i {
                        _ if i == leader => Role::Leader,
                        _ if i == deputy => Role::Deputy,
                        _ => Role::Member,
                    },
                    aliases: Vec::new(),
                })
                .collect(),
        })
        .collect();
    let mut excluded = BTreeMap::new();
    excluded.insert(
        "NC04".to_string(),
        Exclusion {
            reason: "Có đơn thư khiếu nại đang được xem xét, giải quyết".into(),
            basis: "Điều 4 Nghị định 152/2025/NĐ-CP".into(),
        },
    );
    Registry::new(blocs, excluded)
}

/// Units of the example that have not submitted (their bloc is incomplete).
pub const MISSING: [&str; 1] = ["KT08"];

/// A small deterministic generator (xorshift) seeded by the unit code.
struct Rng(u64);

impl Rng {
    fn new(seed: &str, year: i32) -> Rng {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ year as u64;
        for b in seed.bytes() {
            h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A whole number of quarter points from 0 to `n` quarters.
    fn quarters(&mut self, n: u64) -> i64 {
        (self.next() % (n + 1)) as i64
    }
}

/// Filled leaf scores of one unit: standard items near their maximum (a
/// stronger unit loses less), occasional bonus and deduction points.
pub fn scores(framework: &Framework, unit_code: &str, strength: u64, year: i32) -> Vec<Points> {
    let mut rng = Rng::new(unit_code, year);
    framework
        .criteria
        .iter()
        .map(|c| {
            if !c.leaf {
                return Points::ZERO;
            }
            let quarter = 25;
            let points = match c.kind {
                CriterionKind::Standard => {
                    let loss = rng.quarters(strength.min(8)) * quarter;
                    (c.max.0 - loss).max(0)
                }
                CriterionKind::Bonus => (rng.quarters(4) * 50).min(c.max.0),
                CriterionKind::Deduction => {
                    if rng.next() % 4 == 0 {
                        50
                    } else {
                        0
                    }
                }
            };
            Points(points)
        })
        .collect()
}

/// How many quarter points a unit may lose per item: earlier units in each
/// bloc are stronger, so ranks spread out realistically.
pub fn strength(index: usize) -> u64 {
    1 + index as u64 % 7
}
