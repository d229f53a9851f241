//! Shape rendering: one generated project written out as the documents fynd reads, in the
//! three shapes of the project banks (ESF+ 2021–2027 records, ESF 2014–2020 project pages,
//! news and programme pages), laid out as the real examples in `corpus/seeds/` are.

use super::metadata::{Metadata, ESF_AREAS, ESF_PLUS_AREAS, THEMES};
use super::rng::Rng;
use super::Generator;
use crate::ingest::esf_plus;
use crate::record::{Date, DocumentShape, ProjectRecord};

/// Shares of the shapes, in percent: ESF+ records, ESF 2014–2020 pages, web pages.
pub const SHAPE_SHARES: [(DocumentShape, usize); 3] = [
    (DocumentShape::EsfPlusRecord, 40),
    (DocumentShape::EsfProjectPage, 45),
    (DocumentShape::WebPage, 15),
];

/// Section headings of ESF 2014–2020 pages.
const PAGE_SECTIONS: [&str; 6] = [
    "Bakgrund",
    "Målsättning",
    "Målgrupp",
    "Genomförande",
    "Förväntat resultat",
    "Organisation",
];

/// Labels of the ESF 2014–2020 pages that a title must not begin with.
const LABEL_WORDS: [&str; 10] = [
    "Region", "Projekt", "Program", "E-post", "Telefon", "Kontakt", "Diarie", "Ärende", "Total",
    "Beviljat",
];

/// Draws the shape of document `n`.
pub fn shape(rng: &mut Rng) -> DocumentShape {
    let mut at = rng.below(100);
    for (shape, share) in SHAPE_SHARES {
        if at < share {
            return shape;
        }
        at -= share;
    }
    DocumentShape::WebPage
}

/// Swedish thousands grouping with spaces, as the pages write amounts ("6 036 644 kr").
fn kronor(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    format!("{out} kr")
}

/// `paragraphs` paragraphs of 2–6 sentences, separated by blank lines.
fn paragraphs(g: &Generator, rng: &mut Rng, paragraphs: usize, found: &mut u64) -> String {
    let mut out = String::new();
    for p in 0..paragraphs {
        if p > 0 {
            out.push_str("\n\n");
        }
        for s in 0..2 + rng.below(5) {
            if s > 0 {
                out.push(' ');
            }
            g.text.sentence(rng, &g.compounder, 40, &mut out, found);
        }
    }
    out
}

/// A paragraph count whose mean gives documents of about 2.8 kB.
fn paragraph_count(rng: &mut Rng) -> usize {
    (rng.normal(1.3, 0.5).exp().round() as usize).clamp(1, 14)
}

/// Document `n` as text in `shape`, with the probe bits of its words.
pub fn render(g: &Generator, rng: &mut Rng, n: u64, shape: DocumentShape) -> (String, u64) {
    let mut found = 0u64;
    let meta: &Metadata = &g.metadata;
    let region = meta.region(rng);
    let county = (!region.counties.is_empty()).then(|| *rng.pick(region.counties));
    let municipalities = county
        .map(|c| {
            let n = 1 + rng.below(6);
            meta.municipalities(rng, c, n)
        })
        .unwrap_or_default();
    let owner = meta.owner(rng, county, municipalities.first().map(String::as_str));
    let mut title = g.text.title(rng, &g.compounder, 8);
    // A page title that begins like a metadata label ("Regionen …" reads as "Region" glued
    // to a value) would be taken for one, as on a real page; draw another.
    while LABEL_WORDS.iter().any(|label| title.starts_with(label)) {
        title = g.text.title(rng, &g.compounder, 8);
    }
    let text = match shape {
        DocumentShape::EsfPlusRecord => {
            let (start, end) = meta.period(rng, (2022, 2026));
            let (area, objectives) = rng.pick(&ESF_PLUS_AREAS);
            let id = format!("{:02}-{:03}-S{:02}", start.year % 100, n / 100, n % 100);
            let mut record = ProjectRecord::new("", DocumentShape::EsfPlusRecord);
            record.id = id.clone();
            record.diarienummer = Some(id);
            record.title = title;
            record.start = Some(start);
            record.end = Some(end);
            record.country = Some("Sverige".to_string());
            record.fund = Some("ESF+".to_string());
            record.programme_cci = Some("2021SE05SFPR".to_string());
            record.owner_org_number = Some(format!("{}", 2_120_000_000 + rng.below(9_999_999)));
            record.owner = Some(owner);
            record.cofinancing_rate = Some(*rng.pick(&[40.0, 50.0, 60.0, 85.0]));
            record.programme_area = Some(area.to_string());
            record.specific_objective = Some(rng.pick(objectives).to_string());
            record.secondary_themes.insert(
                rng.pick(&THEMES).to_string(),
                rng.pick(&["Ja", "Nej"]).to_string(),
            );
            record.region = Some(region.name.to_string());
            record.nuts2 = Some(region.nuts2.to_string());
            record.intervention_type = Some(rng.between(136, 158).to_string());
            if rng.chance(0.6) {
                record.participants = Some(rng.between(10, 800));
            }
            record.strategic_importance = Some(rng.chance(0.1));
            let count = paragraph_count(rng);
            record.body = paragraphs(g, rng, count, &mut found);
            esf_plus::render(&record)
        }
        DocumentShape::EsfProjectPage => {
            let (start, end) = meta.period(rng, (2008, 2020));
            let granted = meta.granted(rng);
            let budget = granted + granted * rng.between(0, 100) / 100;
            let mut out = format!("Logotyp på utskrifter\n\n{title}\n\n");
            out.push_str(&format!("Programområde{}\n", rng.pick(&ESF_AREAS)));
            let phase = if end < Date::new(2021, 1, 1).expect("valid") {
                "Avslutat"
            } else {
                "Genomförande"
            };
            out.push_str(&format!("Projektfas{phase}\n"));
            out.push_str(&format!("Projektägare{owner}\n"));
            out.push_str(&format!("Kontaktperson{}\n", meta.person(rng)));
            out.push_str(&format!("Ärendenummer{}/{:07}\n", start.year, n));
            out.push_str(&format!("Beviljat ESF-stöd{}\n", kronor(granted)));
            out.push_str(&format!("Total projektbudget{}\n", kronor(budget)));
            out.push_str(&format!("Projektperiod{start} till {end}\n"));
            out.push_str(&format!("Region{}\n", region.name));
            out.push_str("In English\n\nSammanfattning\n\n");
            out.push_str(&paragraphs(g, rng, 1, &mut found));
            for _ in 0..paragraph_count(rng)
                .saturating_sub(1)
                .min(PAGE_SECTIONS.len())
            {
                out.push_str(&format!("\n\n{}\n\n", rng.pick(&PAGE_SECTIONS)));
                out.push_str(&paragraphs(g, rng, 1, &mut found));
            }
            if rng.chance(0.5) {
                out.push_str("\n\nSamarbetspartners\n\n");
                for _ in 0..1 + rng.below(4) {
                    out.push_str(&format!(" • {}\n", meta.owner(rng, county, None)));
                }
            }
            if !municipalities.is_empty() {
                out.push_str("\n\nKommun\n\n");
                for m in &municipalities {
                    out.push_str(&format!(" • {m}\n"));
                }
            }
            out.push('\n');
            out
        }
        _ => {
            let published = Date::from_days_since_epoch(
                Date::new(2008, 1, 1).expect("valid").days_since_epoch()
                    + rng.below(365 * 19) as i64,
            );
            let mut out = format!("{title}\n\nActions\nLoading...\n\nNyheter\n\n{published}\n\n");
            out.push_str(&title);
            out.push_str("\n\n");
            let count = paragraph_count(rng);
            out.push_str(&paragraphs(g, rng, count, &mut found));
            out.push('\n');
            out
        }
    };
    (text, found)
}
