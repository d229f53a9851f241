//! Metadata distributions: where a generated project is, who owns it, which fund and
//! programme area it belongs to, when it runs and what it costs. Fixed facts (Sweden's eight
//! NUTS-2 regions and their counties, the funds, the programme areas) are written here; what
//! varies in real data (owner organisations, the municipalities of each county, budgets,
//! project lengths) is learned from the real records in `corpus/`.

use super::rng::Rng;
use crate::record::{Date, ProjectRecord};
use std::collections::BTreeMap;

/// A NUTS-2 region as the ESF+ records name it, its code and its counties.
pub struct Region {
    /// Region name as the sources write it.
    pub name: &'static str,
    /// NUTS-2 code ("SE0" for the national region, as the records write it).
    pub nuts2: &'static str,
    /// Counties (län) in the region.
    pub counties: &'static [&'static str],
    /// Relative share of projects (a national region and the big-city regions carry more).
    pub weight: u32,
}

/// Sweden's eight NUTS-2 regions and the national "region" of ESF+.
pub const REGIONS: [Region; 9] = [
    Region {
        name: "ESF Nationellt",
        nuts2: "SE0",
        counties: &[],
        weight: 14,
    },
    Region {
        name: "Stockholm",
        nuts2: "SE11",
        counties: &["Stockholm"],
        weight: 14,
    },
    Region {
        name: "Östra Mellansverige",
        nuts2: "SE12",
        counties: &[
            "Uppsala",
            "Södermanland",
            "Östergötland",
            "Örebro",
            "Västmanland",
        ],
        weight: 13,
    },
    Region {
        name: "Småland och öarna",
        nuts2: "SE21",
        counties: &["Jönköping", "Kronoberg", "Kalmar", "Gotland"],
        weight: 8,
    },
    Region {
        name: "Sydsverige",
        nuts2: "SE22",
        counties: &["Blekinge", "Skåne"],
        weight: 12,
    },
    Region {
        name: "Västsverige",
        nuts2: "SE23",
        counties: &["Halland", "Västra Götaland"],
        weight: 14,
    },
    Region {
        name: "Norra Mellansverige",
        nuts2: "SE31",
        counties: &["Värmland", "Dalarna", "Gävleborg"],
        weight: 9,
    },
    Region {
        name: "Mellersta Norrland",
        nuts2: "SE32",
        counties: &["Västernorrland", "Jämtland"],
        weight: 7,
    },
    Region {
        name: "Övre Norrland",
        nuts2: "SE33",
        counties: &["Västerbotten", "Norrbotten"],
        weight: 9,
    },
];

/// ESF+ 2021–2027 programme areas with their specific objectives.
pub const ESF_PLUS_AREAS: [(&str, &[&str]); 4] = [
    ("A", &["A1A", "A1D", "A1G"]),
    ("B", &["B1A", "B1H"]),
    ("C", &["C1L"]),
    ("D", &["D1", "D2"]),
];

/// ESF 2014–2020 programme areas as the project pages write them.
pub const ESF_AREAS: [&str; 4] = [
    "Programområde 1 Kompetensförsörjning",
    "Programområde 2 Ökat arbetskraftsutbud",
    "Programområde 3 Sysselsättningsinitiativet för unga",
    "Programområde 2 Ökade övergångar till arbete",
];

/// Secondary themes of ESF+ records.
pub const THEMES: [&str; 3] = [
    "Motverka barnfattigdom",
    "Social innovation",
    "Kapacitetsuppbyggnad hos arbetsmarknadens parter",
];

/// First names and surnames for contact persons on project pages.
pub const FIRST_NAMES: [&str; 12] = [
    "Anna", "Per", "Karin", "Lars", "Maria", "Erik", "Eva", "Johan", "Sara", "Anders", "Lena",
    "Mikael",
];
/// Surnames for contact persons.
pub const SURNAMES: [&str; 12] = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Holmström",
    "Lindqvist",
];

/// What the real records say about metadata, to draw from.
pub struct Metadata {
    /// Owner organisations, one entry per real record (so common owners are drawn often).
    owners: Vec<String>,
    /// Municipalities of each county, from records that name one county.
    municipalities: BTreeMap<String, Vec<String>>,
    /// Granted amounts of real projects, SEK.
    amounts: Vec<u64>,
    /// Real project lengths in days.
    lengths: Vec<i64>,
}

impl Metadata {
    /// Learns the distributions from real records.
    pub fn learn(records: &[ProjectRecord]) -> Metadata {
        let mut owners = Vec::new();
        let mut municipalities: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut amounts = Vec::new();
        let mut lengths = Vec::new();
        for record in records {
            if let Some(owner) = record.owner.as_ref().filter(|o| o.len() > 2) {
                owners.push(owner.clone());
            }
            if let [county] = record.counties.as_slice() {
                let list = municipalities.entry(county.trim().to_string()).or_default();
                for m in &record.municipalities {
                    if !m.trim().is_empty() && !list.contains(&m.trim().to_string()) {
                        list.push(m.trim().to_string());
                    }
                }
            }
            if let Some(amount) = record.granted.filter(|a| *a >= 50_000) {
                amounts.push(amount);
            }
            if let (Some(start), Some(end)) = (record.start, record.end) {
                let days = end.days_since_epoch() - start.days_since_epoch();
                if (30..=2500).contains(&days) {
                    lengths.push(days);
                }
            }
        }
        if owners.is_empty() {
            owners.push("Arbetsförmedlingen".to_string());
        }
        if amounts.is_empty() {
            amounts.push(2_000_000);
        }
        if lengths.is_empty() {
            lengths.push(730);
        }
        Metadata {
            owners,
            municipalities,
            amounts,
            lengths,
        }
    }

    /// A region, by the weights above.
    pub fn region(&self, rng: &mut Rng) -> &'static Region {
        let total: u32 = REGIONS.iter().map(|r| r.weight).sum();
        let mut at = rng.below(total as usize) as u32;
        for region in &REGIONS {
            if at < region.weight {
                return region;
            }
            at -= region.weight;
        }
        &REGIONS[0]
    }

    /// An owner organisation: mostly a real one, sometimes a municipality or region of the
    /// project's county (so owners also follow geography).
    pub fn owner(&self, rng: &mut Rng, county: Option<&str>, municipality: Option<&str>) -> String {
        match (rng.below(10), county, municipality) {
            (0, _, Some(m)) => format!("{m}s kommun"),
            (1, Some(c), _) => format!("Region {c}"),
            (2, Some(c), _) => format!("Samordningsförbundet {c}"),
            _ => rng.pick(&self.owners).clone(),
        }
    }

    /// Up to `n` distinct municipalities of `county` (the county's name when none is known).
    pub fn municipalities(&self, rng: &mut Rng, county: &str, n: usize) -> Vec<String> {
        let Some(list) = self.municipalities.get(county).filter(|l| !l.is_empty()) else {
            return vec![county.to_string()];
        };
        let mut chosen: Vec<String> = Vec::new();
        for _ in 0..n * 2 {
            let m = rng.pick(list);
            if !chosen.contains(m) {
                chosen.push(m.clone());
            }
            if chosen.len() == n {
                break;
            }
        }
        chosen
    }

    /// A granted amount: a real one, varied by up to ±30 % and rounded to whole kronor.
    pub fn granted(&self, rng: &mut Rng) -> u64 {
        let base = *rng.pick(&self.amounts) as f64;
        (base * (0.7 + 0.6 * rng.unit())).round() as u64
    }

    /// A project period starting within `years`, with a real project's length.
    pub fn period(&self, rng: &mut Rng, years: (i32, i32)) -> (Date, Date) {
        let first = Date::new(years.0, 1, 1).expect("valid").days_since_epoch();
        let last = Date::new(years.1, 12, 31)
            .expect("valid")
            .days_since_epoch();
        let start = first + rng.below((last - first + 1) as usize) as i64;
        let end = start + *rng.pick(&self.lengths);
        let cap = Date::new(2027, 12, 31).expect("valid").days_since_epoch();
        (
            Date::from_days_since_epoch(start),
            Date::from_days_since_epoch(end.min(cap).max(start)),
        )
    }

    /// A person's name for a contact line.
    pub fn person(&self, rng: &mut Rng) -> String {
        format!("{} {}", rng.pick(&FIRST_NAMES), rng.pick(&SURNAMES))
    }

    /// Number of counties whose municipalities were learned (for tests and reports).
    pub fn counties_known(&self) -> usize {
        self.municipalities.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_the_eight_nuts2_regions_and_the_national_one() {
        let codes: Vec<&str> = REGIONS.iter().map(|r| r.nuts2).collect();
        assert_eq!(codes.len(), 9);
        assert!(codes.contains(&"SE0"));
        let counties: usize = REGIONS.iter().map(|r| r.counties.len()).sum();
        assert_eq!(counties, 21, "Sweden has 21 counties");
    }
}
