//! What the WordprocessingML schema (ECMA-376 Part 1, transitional, as
//! Office 2016 reads it) allows in the elements our documents hold, as data
//! for [`super::package`]'s canonicaliser:
//!
//! - [`SEQUENCES`]: each container element whose children the schema lists
//!   as a sequence, with those children in that order. Word drops a child
//!   out of sequence (a font after the size, a justification after the
//!   mark's run properties) where LibreOffice still reads it.
//! - [`ATTRIBUTES`]: elements that docx-rs writes with an attribute the
//!   schema does not declare, with the attributes it does declare.
//!
//! One name can stand for several schema types (`w:rPr` of a run, of a
//! paragraph mark, of a style, of a numbering level; `w:pPr` of a paragraph
//! or a style…). Their sequences never disagree, so each name has one list:
//! the widest, which holds the others in the same order. Children missing
//! from a list keep their place after the listed ones.

/// A run's properties (`CT_RPr`), a paragraph mark's (`CT_ParaRPr`, which
/// adds the revision marks in front and `w:oMath`), a style's or a
/// numbering level's (subsets in the same order).
const RUN: &[&str] = &[
    "w:ins",
    "w:del",
    "w:moveFrom",
    "w:moveTo",
    "w14:conflictIns",
    "w14:conflictDel",
    "w:rStyle",
    "w:rFonts",
    "w:b",
    "w:bCs",
    "w:i",
    "w:iCs",
    "w:caps",
    "w:smallCaps",
    "w:strike",
    "w:dstrike",
    "w:outline",
    "w:shadow",
    "w:emboss",
    "w:imprint",
    "w:noProof",
    "w:snapToGrid",
    "w:vanish",
    "w:webHidden",
    "w:color",
    "w:spacing",
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w14:glow",
    "w14:shadow",
    "w14:reflection",
    "w14:textOutline",
    "w14:textFill",
    "w14:scene3d",
    "w14:props3d",
    "w14:ligatures",
    "w14:numForm",
    "w14:numSpacing",
    "w14:stylisticSets",
    "w14:cntxtAlts",
    "w:oMath",
    "w:rPrChange",
];

/// A paragraph's properties (`CT_PPr`); a style's, a level's and the
/// defaults' are subsets in the same order.
const PARAGRAPH: &[&str] = &[
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
];

/// A paragraph's borders (`CT_PBdr`).
const PARAGRAPH_BORDERS: &[&str] = &["w:top", "w:left", "w:bottom", "w:right", "w:between", "w:bar"];

/// A paragraph's numbering (`CT_NumPr`).
const NUMBERING_REFERENCE: &[&str] = &["w:ilvl", "w:numId", "w:numberingChange", "w:ins"];

/// A table's properties (`CT_TblPr`; a style's `CT_TblPrStyle` adds the
/// band sizes, never beside `w:tblStyle`…`w:tblW`).
const TABLE: &[&str] = &[
    "w:tblStyle",
    "w:tblpPr",
    "w:tblOverlap",
    "w:bidiVisual",
    "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize",
    "w:tblW",
    "w:jc",
    "w:tblCellSpacing",
    "w:tblInd",
    "w:tblBorders",
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
];

/// A table's grid (`CT_TblGrid`).
const GRID: &[&str] = &["w:gridCol", "w:tblGridChange"];

/// A row's properties (`CT_TrPr`). The schema allows them in any order; this
/// one is the order it lists them in, so rows read alike.
const ROW: &[&str] = &[
    "w:cnfStyle",
    "w:divId",
    "w:gridBefore",
    "w:gridAfter",
    "w:wBefore",
    "w:wAfter",
    "w:trHeight",
    "w:hidden",
    "w:cantSplit",
    "w:tblHeader",
    "w:tblCellSpacing",
    "w:jc",
    "w:ins",
    "w:del",
    "w:trPrChange",
];

/// A cell's properties (`CT_TcPr`).
const CELL: &[&str] = &[
    "w:cnfStyle",
    "w:tcW",
    "w:gridSpan",
    "w:hMerge",
    "w:vMerge",
    "w:tcBorders",
    "w:shd",
    "w:noWrap",
    "w:tcMar",
    "w:textDirection",
    "w:tcFitText",
    "w:vAlign",
    "w:hideMark",
    "w:cellIns",
    "w:cellDel",
    "w:cellMerge",
    "w:tcPrChange",
];

/// A table's borders (`CT_TblBorders`) and a cell's (`CT_TcBorders`, which
/// adds the diagonals).
const BORDERS: &[&str] = &[
    "w:top",
    "w:left",
    "w:start",
    "w:bottom",
    "w:right",
    "w:end",
    "w:insideH",
    "w:insideV",
    "w:tl2br",
    "w:tr2bl",
];

/// A table's default cell margins (`CT_TblCellMar`) and a cell's
/// (`CT_TcMar`).
const MARGINS: &[&str] = &["w:top", "w:left", "w:start", "w:bottom", "w:right", "w:end"];

/// A section's properties (`CT_SectPr`).
const SECTION: &[&str] = &[
    "w:headerReference",
    "w:footerReference",
    "w:footnotePr",
    "w:endnotePr",
    "w:type",
    "w:pgSz",
    "w:pgMar",
    "w:paperSrc",
    "w:pgBorders",
    "w:lnNumType",
    "w:pgNumType",
    "w:cols",
    "w:formProt",
    "w:vAlign",
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
    "w15:footnoteColumns",
    "w:sectPrChange",
];

/// The styles part (`CT_Styles`).
const STYLES: &[&str] = &["w:docDefaults", "w:latentStyles", "w:style"];

/// The document's default properties (`CT_DocDefaults`).
const DEFAULTS: &[&str] = &["w:rPrDefault", "w:pPrDefault"];

/// One style (`CT_Style`).
const STYLE: &[&str] = &[
    "w:name",
    "w:aliases",
    "w:basedOn",
    "w:next",
    "w:link",
    "w:autoRedefine",
    "w:hidden",
    "w:uiPriority",
    "w:semiHidden",
    "w:unhideWhenUsed",
    "w:qFormat",
    "w:locked",
    "w:personal",
    "w:personalCompose",
    "w:personalReply",
    "w:rsid",
    "w:pPr",
    "w:rPr",
    "w:tblPr",
    "w:trPr",
    "w:tcPr",
    "w:tblStylePr",
];

/// The numbering part (`CT_Numbering`).
const NUMBERING: &[&str] = &["w:numPicBullet", "w:abstractNum", "w:num", "w:numIdMacAtCleanup"];

/// An abstract numbering (`CT_AbstractNum`).
const ABSTRACT_NUMBERING: &[&str] = &[
    "w:nsid",
    "w:multiLevelType",
    "w:tmpl",
    "w:name",
    "w:styleLink",
    "w:numStyleLink",
    "w:lvl",
];

/// A numbering instance (`CT_Num`).
const NUMBERING_INSTANCE: &[&str] = &["w:abstractNumId", "w:lvlOverride"];

/// One numbering level (`CT_Lvl`).
const LEVEL: &[&str] = &[
    "w:start",
    "w:numFmt",
    "w:lvlRestart",
    "w:pStyle",
    "w:isLgl",
    "w:suff",
    "w:lvlText",
    "w:lvlPicBulletId",
    "w:legacy",
    "w:lvlJc",
    "w:pPr",
    "w:rPr",
];

/// The settings part (`CT_Settings`).
const SETTINGS: &[&str] = &[
    "w:writeProtection",
    "w:view",
    "w:zoom",
    "w:removePersonalInformation",
    "w:removeDateAndTime",
    "w:doNotDisplayPageBoundaries",
    "w:displayBackgroundShape",
    "w:printPostScriptOverText",
    "w:printFractionalCharacterWidth",
    "w:printFormsData",
    "w:embedTrueTypeFonts",
    "w:embedSystemFonts",
    "w:saveSubsetFonts",
    "w:saveFormsData",
    "w:mirrorMargins",
    "w:alignBordersAndEdges",
    "w:bordersDoNotSurroundHeader",
    "w:bordersDoNotSurroundFooter",
    "w:gutterAtTop",
    "w:hideSpellingErrors",
    "w:hideGrammaticalErrors",
    "w:activeWritingStyle",
    "w:proofState",
    "w:formsDesign",
    "w:attachedTemplate",
    "w:linkStyles",
    "w:stylePaneFormatFilter",
    "w:stylePaneSortMethod",
    "w:documentType",
    "w:mailMerge",
    "w:revisionView",
    "w:trackRevisions",
    "w:doNotTrackMoves",
    "w:doNotTrackFormatting",
    "w:documentProtection",
    "w:autoFormatOverride",
    "w:styleLockTheme",
    "w:styleLockQFSet",
    "w:defaultTabStop",
    "w:autoHyphenation",
    "w:consecutiveHyphenLimit",
    "w:hyphenationZone",
    "w:doNotHyphenateCaps",
    "w:showEnvelope",
    "w:summaryLength",
    "w:clickAndTypeStyle",
    "w:defaultTableStyle",
    "w:evenAndOddHeaders",
    "w:bookFoldRevPrinting",
    "w:bookFoldPrinting",
    "w:bookFoldPrintingSheets",
    "w:drawingGridHorizontalSpacing",
    "w:drawingGridVerticalSpacing",
    "w:displayHorizontalDrawingGridEvery",
    "w:displayVerticalDrawingGridEvery",
    "w:doNotUseMarginsForDrawingGridOrigin",
    "w:drawingGridHorizontalOrigin",
    "w:drawingGridVerticalOrigin",
    "w:doNotShadeFormData",
    "w:noPunctuationKerning",
    "w:characterSpacingControl",
    "w:printTwoOnOne",
    "w:strictFirstAndLastChars",
    "w:noLineBreaksAfter",
    "w:noLineBreaksBefore",
    "w:savePreviewPicture",
    "w:doNotValidateAgainstSchema",
    "w:saveInvalidXml",
    "w:ignoreMixedContent",
    "w:alwaysShowPlaceholderText",
    "w:doNotDemarcateInvalidXml",
    "w:saveXmlDataOnly",
    "w:useXSLTWhenSaving",
    "w:saveThroughXslt",
    "w:showXMLTags",
    "w:alwaysMergeEmptyNamespace",
    "w:updateFields",
    "w:hdrShapeDefaults",
    "w:footnotePr",
    "w:endnotePr",
    "w:compat",
    "w:docVars",
    "w:rsids",
    "m:mathPr",
    "w:uiCompat97To2003",
    "w:attachedSchema",
    "w:themeFontLang",
    "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures",
    "w:forceUpgrade",
    "w:captions",
    "w:readModeInkLockDown",
    "sl:schemaLibrary",
    "w:shapeDefaults",
    "w:decimalSymbol",
    "w:listSeparator",
    "w14:docId",
    "w14:discardImageEditingData",
    "w14:defaultImageDpi",
    "w14:conflictMode",
    "w15:chartTrackingRefBased",
    "w15:docId",
];

/// Container elements (qualified names as docx-rs writes them) and their
/// children in schema order.
pub const SEQUENCES: &[(&str, &[&str])] = &[
    ("w:rPr", RUN),
    ("w:pPr", PARAGRAPH),
    ("w:pBdr", PARAGRAPH_BORDERS),
    ("w:numPr", NUMBERING_REFERENCE),
    ("w:tblPr", TABLE),
    ("w:tblGrid", GRID),
    ("w:trPr", ROW),
    ("w:tcPr", CELL),
    ("w:tblBorders", BORDERS),
    ("w:tcBorders", BORDERS),
    ("w:tblCellMar", MARGINS),
    ("w:tcMar", MARGINS),
    ("w:sectPr", SECTION),
    ("w:styles", STYLES),
    ("w:docDefaults", DEFAULTS),
    ("w:rPrDefault", &["w:rPr"]),
    ("w:pPrDefault", &["w:pPr"]),
    ("w:style", STYLE),
    ("w:numbering", NUMBERING),
    ("w:abstractNum", ABSTRACT_NUMBERING),
    ("w:num", NUMBERING_INSTANCE),
    ("w:lvl", LEVEL),
    ("w:settings", SETTINGS),
];

/// Elements and the only attributes the schema declares on them; any other
/// attribute is dropped (`w:gridCol` carries just a width, never a type).
pub const ATTRIBUTES: &[(&str, &[&str])] = &[("w:gridCol", &["w:w"])];

/// Children that docx-rs writes, always empty, where the schema has no place
/// for them, as (parent, container, child): the paragraph properties of a
/// style, of a numbering level and of the defaults hold no run properties
/// (those have their own place beside them). Written as empty elements
/// (`<w:rPr />`) they say nothing and are dropped; one with content would
/// be kept (and fail the validator).
pub const UNDECLARED_CHILDREN: &[(&str, &str, &str)] = &[
    ("w:style", "w:pPr", "w:rPr"),
    ("w:lvl", "w:pPr", "w:rPr"),
    ("w:pPrDefault", "w:pPr", "w:rPr"),
];

/// Names looked up among those of the same length only: every part of
/// every document goes through [`sequence`] once a start tag, so this is
/// the hot path of the canonicaliser.
struct Names {
    /// By length: each name with its value.
    by_length: Vec<Vec<(&'static [u8], usize)>>,
}

impl Names {
    /// `names` with their positions as values.
    fn new<'a>(names: impl Iterator<Item = &'a &'static str>) -> Names {
        let mut by_length: Vec<Vec<(&'static [u8], usize)>> = Vec::new();
        for (value, name) in names.enumerate() {
            let len = name.len();
            if by_length.len() <= len {
                by_length.resize_with(len + 1, Vec::new);
            }
            by_length[len].push((name.as_bytes(), value));
        }
        Names { by_length }
    }

    fn find(&self, name: &[u8]) -> Option<usize> {
        self.by_length
            .get(name.len())?
            .iter()
            .find(|(candidate, _)| *candidate == name)
            .map(|(_, value)| *value)
    }
}

/// A container of [`SEQUENCES`], its children indexed.
pub struct Sequence {
    pub name: &'static str,
    children: Names,
    len: usize,
}

impl Sequence {
    /// The place of `child` in the sequence; a child the sequence does not
    /// name comes after every named one.
    pub fn rank(&self, child: &[u8]) -> usize {
        self.children.find(child).unwrap_or(self.len)
    }
}

/// [`SEQUENCES`] indexed, built on first use.
struct Index {
    containers: Names,
    sequences: Vec<Sequence>,
}

fn index() -> &'static Index {
    static INDEX: std::sync::OnceLock<Index> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| Index {
        containers: Names::new(SEQUENCES.iter().map(|(name, _)| name)),
        sequences: SEQUENCES
            .iter()
            .map(|(name, children)| Sequence {
                name,
                children: Names::new(children.iter()),
                len: children.len(),
            })
            .collect(),
    })
}

/// The sequence of `element`'s children, when it is a container of
/// [`SEQUENCES`].
pub fn sequence(element: &[u8]) -> Option<&'static Sequence> {
    let index = index();
    index.containers.find(element).map(|i| &index.sequences[i])
}

/// Whether [`UNDECLARED_CHILDREN`] has no place for `child` in `container`
/// inside `parent`.
pub fn undeclared(parent: &str, container: &str, child: &[u8]) -> bool {
    UNDECLARED_CHILDREN
        .iter()
        .any(|(p, c, name)| *p == parent && *c == container && name.as_bytes() == child)
}

/// The attributes `element` may carry, when [`ATTRIBUTES`] restricts them.
pub fn declared_attributes(element: &[u8]) -> Option<&'static [&'static str]> {
    ATTRIBUTES
        .iter()
        .find(|(name, _)| name.as_bytes() == element)
        .map(|(_, attributes)| *attributes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sequence_names_each_child_once() {
        for (element, children) in SEQUENCES.iter().chain(ATTRIBUTES) {
            for (i, child) in children.iter().enumerate() {
                assert!(!children[i + 1..].contains(child), "{element}: {child} twice");
            }
        }
        for (i, (element, _)) in SEQUENCES.iter().enumerate() {
            assert!(
                !SEQUENCES[i + 1..].iter().any(|(other, _)| other == element),
                "{element} twice"
            );
        }
    }

    #[test]
    fn run_properties_put_fonts_first_and_language_late() {
        let run = sequence(b"w:rPr").unwrap();
        assert_eq!(run.name, "w:rPr");
        assert!(run.rank(b"w:rFonts") < run.rank(b"w:b"));
        assert!(run.rank(b"w:b") < run.rank(b"w:sz"));
        assert!(run.rank(b"w:szCs") < run.rank(b"w:lang"));
        assert_eq!(run.rank(b"w:unknown"), RUN.len());
        assert_eq!(run.rank(b"w:rStyl"), RUN.len());
        assert!(sequence(b"w:p").is_none());
    }

    #[test]
    fn the_index_finds_every_container_and_child_at_its_place() {
        for (name, children) in SEQUENCES {
            let sequence = sequence(name.as_bytes()).unwrap();
            assert_eq!(sequence.name, *name);
            for (rank, child) in children.iter().enumerate() {
                assert_eq!(sequence.rank(child.as_bytes()), rank, "{name} {child}");
            }
        }
    }

    #[test]
    fn run_properties_have_no_place_in_a_style_s_paragraph_properties_only() {
        assert!(undeclared("w:style", "w:pPr", b"w:rPr"));
        assert!(!undeclared("w:body", "w:pPr", b"w:rPr"));
        assert!(!undeclared("w:style", "w:pPr", b"w:jc"));
    }
}
