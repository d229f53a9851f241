//! Faceted search, one story per feature, on a few thousand generated records (and the
//! sample corpus where real text matters). Every expected answer is computed from the
//! generated records themselves.

mod common;

use common::{corpus_index, generated_index, has_word, open, REGIONS};
use fynd::query::export::export;
use fynd::query::filters::FacetFilter;
use fynd::query::lookup::find_record;
use fynd::query::range::{RangeField, RangeFilter};
use fynd::query::sort::SortOrder;
use fynd::query::{facet_values, search, SearchRequest};
use fynd::record::{Date, ProjectRecord};
use fynd::schema::FacetKey;
use fynd::FyndError;
use std::collections::BTreeMap;

fn counts<'a>(
    records: impl Iterator<Item = &'a ProjectRecord>,
    key: FacetKey,
) -> BTreeMap<String, u64> {
    let mut map = BTreeMap::new();
    for record in records {
        for value in key.values(record) {
            *map.entry(value).or_insert(0) += 1;
        }
    }
    map
}

fn as_map(counts: &[fynd::query::facets::FacetCount]) -> BTreeMap<String, u64> {
    counts.iter().map(|c| (c.value.clone(), c.count)).collect()
}

fn filters(specs: &[&str]) -> Vec<FacetFilter> {
    FacetFilter::parse_all(&specs.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
}

fn ids(index: &fynd::index::FyndIndex, request: &SearchRequest) -> Vec<String> {
    export(index, request, false)
        .unwrap()
        .map(|hit| hit.unwrap().record.id)
        .collect()
}

/// Two regions and a fund are chosen. The hits are the projects in either region with that
/// fund; the region counts are taken as if no region were chosen (so every region shows
/// what adding it would give), the fund counts as if no fund were chosen, and other facets
/// over the hits. Counting everything over the hits alone would give 0 for the three other
/// regions and only ESF+ for the fund.
#[test]
fn multi_select_counts_show_what_widening_would_give() {
    let (dir, records) = generated_index();
    let index = open(dir);
    for query in ["", "digitalisering"] {
        let mut request = SearchRequest::new(query);
        request.filters = filters(&["region=Övre Norrland", "region=Skåne", "fund=ESF+"]);
        request.facets = vec![FacetKey::Region, FacetKey::Fund, FacetKey::ProgrammeArea];
        request.facet_limit = 100;
        let response = search(&index, &request).unwrap();

        let matches_query = |r: &&ProjectRecord| query.is_empty() || has_word(&r.body, query);
        let in_regions = |r: &&ProjectRecord| {
            matches!(r.region.as_deref(), Some("Övre Norrland") | Some("Skåne"))
        };
        let is_esf_plus = |r: &&ProjectRecord| r.fund.as_deref() == Some("ESF+");
        let hits: Vec<&ProjectRecord> = records
            .iter()
            .filter(matches_query)
            .filter(in_regions)
            .filter(is_esf_plus)
            .collect();
        assert_eq!(response.total, hits.len(), "{query:?}");

        let region_counts = counts(
            records.iter().filter(matches_query).filter(is_esf_plus),
            FacetKey::Region,
        );
        let fund_counts = counts(
            records.iter().filter(matches_query).filter(in_regions),
            FacetKey::Fund,
        );
        let area_counts = counts(hits.iter().copied(), FacetKey::ProgrammeArea);
        assert_eq!(
            region_counts.len(),
            REGIONS.len(),
            "every region is offered"
        );
        assert_eq!(as_map(&response.facets[0].1), region_counts, "{query:?}");
        assert_eq!(as_map(&response.facets[1].1), fund_counts, "{query:?}");
        assert_eq!(as_map(&response.facets[2].1), area_counts, "{query:?}");

        // With sidebar counts off (what a plain filtered query in another engine counts,
        // and what the side-by-side benchmark compares), every facet counts the hits: the
        // page and total are unchanged, and region and fund show only the chosen values.
        let mut over_hits = request.clone();
        over_hits.sidebar_counts = false;
        let plain = search(&index, &over_hits).unwrap();
        assert_eq!(plain.total, response.total, "{query:?}");
        assert_eq!(plain.hits.len(), response.hits.len(), "{query:?}");
        let hit_ids = |r: &fynd::query::SearchResponse| -> Vec<String> {
            r.hits.iter().map(|h| h.id.clone()).collect()
        };
        assert_eq!(hit_ids(&plain), hit_ids(&response), "{query:?}");
        for (n, key) in request.facets.iter().enumerate() {
            assert_eq!(plain.facets[n].0, *key);
            assert_eq!(
                as_map(&plain.facets[n].1),
                counts(hits.iter().copied(), *key),
                "{query:?} {key:?}"
            );
        }
        assert!(as_map(&plain.facets[0].1).len() <= 2, "{query:?}");

        // The same choice written in the query counts the same way.
        let mut written = request.clone();
        written.query = format!("{query} (region:\"Övre Norrland\" OR region:skane) fond:ESF+");
        written.filters = Vec::new();
        let in_query = search(&index, &written).unwrap();
        assert_eq!(in_query.total, response.total, "{}", written.query);
        assert_eq!(in_query.facets, response.facets, "{}", written.query);
    }
}

/// `fynd facets region` lists every value with its count, over all documents or over what a
/// query and filters match.
#[test]
fn facet_listing_counts_every_value() {
    let (dir, records) = generated_index();
    let index = open(dir);
    let listing = facet_values(&index, &SearchRequest::new(""), FacetKey::Region).unwrap();
    assert_eq!(
        as_map(&listing.values),
        counts(records.iter(), FacetKey::Region)
    );
    assert_eq!(listing.total, records.len());

    let mut request = SearchRequest::new("ungdomar");
    request.filters = filters(&["fond=esf"]);
    let listing = facet_values(&index, &request, FacetKey::Year).unwrap();
    let expected = counts(
        records
            .iter()
            .filter(|r| has_word(&r.body, "ungdomar") && r.fund.as_deref() == Some("ESF")),
        FacetKey::Year,
    );
    assert_eq!(as_map(&listing.values), expected);
    let years: Vec<&String> = listing.values.iter().map(|v| &v.value).collect();
    assert!(
        years.windows(2).all(|w| w[0] < w[1]),
        "years in calendar order"
    );
}

/// Facet values are found whatever their case and diacritics, in `--filter` and in the query
/// syntax, with Swedish key names; the answer says which indexed value was used.
#[test]
fn facet_values_match_loosely_and_the_answer_says_which() {
    let (dir, _) = generated_index();
    let index = open(dir);
    let exact = {
        let mut request = SearchRequest::new("");
        request.filters = filters(&["region=Övre Norrland", "fund=ESF+"]);
        search(&index, &request).unwrap()
    };
    assert!(exact.total > 0);

    let mut request = SearchRequest::new("");
    request.filters = filters(&["region=ovre norrland", "fond=esf+"]);
    let loose = search(&index, &request).unwrap();
    assert_eq!(loose.total, exact.total);
    let used: Vec<(&str, &str, Vec<String>)> = loose
        .values_used
        .iter()
        .map(|v| (v.key.as_str(), v.typed.as_str(), v.used.clone()))
        .collect();
    assert_eq!(
        used,
        vec![
            ("region", "ovre norrland", vec!["Övre Norrland".to_string()]),
            ("fund", "esf+", vec!["ESF+".to_string()]),
        ]
    );

    let in_query = search(
        &index,
        &SearchRequest::new("region:\"OVRE NORRLAND\" fond:esf+"),
    )
    .unwrap();
    assert_eq!(in_query.total, exact.total);
    assert_eq!(in_query.values_used[0].used, vec!["Övre Norrland"]);

    let mut request = SearchRequest::new("");
    request.filters = filters(&["region=Gotland"]);
    let none = search(&index, &request).unwrap();
    assert_eq!(none.total, 0);
    assert!(none.values_used[0].used.is_empty());
}

/// Ranges on numbers and dates, in the query and as flags: the same documents either way.
#[test]
fn ranges_on_numbers_and_dates() {
    let (dir, records) = generated_index();
    let index = open(dir);
    let day = |text: &str| Date::parse(text).unwrap();
    type Expect = Box<dyn Fn(&ProjectRecord) -> bool>;
    let cases: Vec<(&str, Expect)> = vec![
        (
            "budget:>=5000000",
            Box::new(|r| r.budget.is_some_and(|b| b >= 5_000_000)),
        ),
        (
            "budget:<1000000",
            Box::new(|r| r.budget.is_some_and(|b| b < 1_000_000)),
        ),
        (
            "participants:>0",
            Box::new(|r| r.participants.is_some_and(|p| p > 0)),
        ),
        (
            "start:[2020-01-01 TO 2020-12-31]",
            Box::new(move |r| {
                r.start
                    .is_some_and(|s| s >= day("2020-01-01") && s <= day("2020-12-31"))
            }),
        ),
        (
            "startdatum:2020",
            Box::new(move |r| r.start.is_some_and(|s| s.year == 2020)),
        ),
        (
            "end:{2022 TO *]",
            Box::new(move |r| r.end.is_some_and(|e| e.year > 2022)),
        ),
        (
            "år:[2016 TO 2018]",
            Box::new(|r| r.years().iter().any(|y| (2016..=2018).contains(y))),
        ),
        (
            "year:>2024",
            Box::new(|r| r.years().iter().any(|y| *y > 2024)),
        ),
        (
            "published:<2018",
            Box::new(move |r| r.published.is_some_and(|p| p.year < 2018)),
        ),
        (
            "ungdomar -budget:>=5000000",
            Box::new(|r| has_word(&r.body, "ungdomar") && r.budget.is_none_or(|b| b < 5_000_000)),
        ),
    ];
    for (query, expected) in cases {
        let want = records.iter().filter(|r| expected(r)).count();
        assert!(want > 0, "{query} should match something");
        assert_eq!(
            search(&index, &SearchRequest::new(query)).unwrap().total,
            want,
            "{query}"
        );
    }
    let mut request = SearchRequest::new("");
    request.ranges = vec![
        RangeFilter::from_flag(RangeField::Budget, ">=5000000").unwrap(),
        RangeFilter::from_flag(RangeField::Start, "[2020-01-01 TO 2020-12-31]").unwrap(),
    ];
    let by_flags = search(&index, &request).unwrap();
    let by_query = search(
        &index,
        &SearchRequest::new("budget:>=5000000 start:[2020-01-01 TO 2020-12-31]"),
    )
    .unwrap();
    assert_eq!(by_flags.total, by_query.total);
    assert_eq!(
        by_flags.ranges,
        vec![
            "budget >= 5000000",
            "start >= 2020-01-01 and start <= 2020-12-31"
        ]
    );
}

/// A wrong value in a range says what is wrong and where.
#[test]
fn range_errors_point_at_the_value() {
    let index = open(corpus_index());
    let err = search(&index, &SearchRequest::new("budget:>=abc")).unwrap_err();
    let FyndError::QuerySyntax {
        position,
        ref message,
        ..
    } = err
    else {
        panic!("{err}")
    };
    assert_eq!(position, 9);
    assert!(message.contains("whole number"), "{message}");
    assert!(
        err.to_string().contains("\n  budget:>=abc\n           ^"),
        "{err}"
    );
    let err = RangeFilter::from_flag(RangeField::Start, "[2023-01-01 TO 2023-13-01]").unwrap_err();
    assert!(err.to_string().contains("--start at position 16"), "{err}");
}

/// Sorting by a field: pages read one after another give every hit once, in order, with
/// documents lacking the value last; many records share a budget, so ties are common.
#[test]
fn sorted_pages_never_overlap() {
    let (dir, records) = generated_index();
    let index = open(dir);
    for (sort, value) in [
        (
            "budget:desc",
            (|r: &ProjectRecord| r.budget.map(|b| b as i64)) as fn(&ProjectRecord) -> Option<i64>,
        ),
        ("start:asc", |r: &ProjectRecord| {
            r.start.map(|d| d.days_since_epoch())
        }),
    ] {
        let mut request = SearchRequest::new("");
        request.filters = filters(&["region=Skåne"]);
        request.sort = SortOrder::parse(sort).unwrap();
        request.facets = Vec::new();
        request.limit = 37;
        let mut paged = Vec::new();
        loop {
            let page = search(&index, &request).unwrap();
            if page.hits.is_empty() {
                break;
            }
            paged.extend(page.hits.into_iter().map(|h| h.id));
            request.offset += request.limit;
        }
        let want = records
            .iter()
            .filter(|r| r.region.as_deref() == Some("Skåne"))
            .count();
        assert_eq!(paged.len(), want, "{sort}");
        let mut unique = paged.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), want, "{sort}: a document shown twice");
        let by_id: BTreeMap<&str, &ProjectRecord> =
            records.iter().map(|r| (r.id.as_str(), r)).collect();
        let values: Vec<Option<i64>> = paged.iter().map(|id| value(by_id[id.as_str()])).collect();
        let descending = sort.ends_with("desc");
        for pair in values.windows(2) {
            match (pair[0], pair[1]) {
                (Some(a), Some(b)) => assert!(
                    if descending { a >= b } else { a <= b },
                    "{sort}: {a} then {b}"
                ),
                (None, Some(_)) => panic!("{sort}: a document without the value came first"),
                _ => {}
            }
        }
        request.limit = usize::MAX;
        request.offset = 0;
        assert_eq!(ids(&index, &request), paged, "{sort}: export order differs");
    }
}

/// Relevance order is stable too: equal scores (common in short texts) fall back to the
/// document's place in the index, so pages and the export agree.
#[test]
fn relevance_pages_agree_with_the_export() {
    let (dir, _) = generated_index();
    let index = open(dir);
    let mut request = SearchRequest::new("integration");
    request.facets = Vec::new();
    request.limit = 50;
    let mut paged = Vec::new();
    loop {
        let page = search(&index, &request).unwrap();
        let scores: Vec<f32> = page.hits.iter().map(|h| h.score).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]));
        if page.hits.is_empty() {
            break;
        }
        paged.extend(page.hits.into_iter().map(|h| h.id));
        request.offset += request.limit;
    }
    request.offset = 0;
    request.limit = usize::MAX;
    assert_eq!(ids(&index, &request), paged);
}

/// `fynd show` finds a record by id, also typed in another case; a wrong id names the
/// closest ones.
#[test]
fn show_finds_a_record_by_id() {
    let (dir, records) = generated_index();
    let index = open(dir);
    assert_eq!(find_record(&index, "GEN-00042").unwrap(), records[42]);
    assert_eq!(find_record(&index, "gen-00042").unwrap(), records[42]);
    match find_record(&index, "GEN-0042") {
        Err(FyndError::NoRecord { similar, .. }) => {
            assert!(similar.contains(&"GEN-00042".to_string()), "{similar:?}")
        }
        other => panic!("{other:?}"),
    }
}

/// The export yields every hit (not a page), each with its whole record.
#[test]
fn export_yields_every_hit() {
    let (dir, records) = generated_index();
    let index = open(dir);
    let mut request = SearchRequest::new("jämställdhet");
    request.limit = usize::MAX;
    let stream = export(&index, &request, true).unwrap();
    let want: Vec<&ProjectRecord> = records
        .iter()
        .filter(|r| has_word(&r.body, "jämställdhet"))
        .collect();
    assert_eq!(stream.total, want.len());
    let mut n = 0;
    for hit in stream {
        let hit = hit.unwrap();
        assert!(has_word(&hit.record.body, "jämställdhet"));
        assert!(hit
            .passage
            .unwrap()
            .marked()
            .iter()
            .all(|w| w.to_lowercase() == "jämställdhet"));
        n += 1;
    }
    assert_eq!(n, want.len());
}

/// The sidebar counts of a filtered facet come from the same pass as the page (each hit is
/// checked against the filters instead of the query holding them): they agree with the
/// listing of each facet, which counts it in a pass of its own, and the page agrees with
/// the export of every hit, in any order, with one filter or several, single- or
/// multi-valued.
#[test]
fn filtered_facets_counted_in_the_main_pass_agree_with_their_own_pass() {
    let (dir, _) = generated_index();
    let index = open(dir);
    let cases: [(&str, &[&str], &str); 5] = [
        ("digitalisering", &["fund=ESF+"], "relevance"),
        ("", &["region=Skåne", "fund=ESF"], "relevance"),
        (
            "integration",
            &["region=Övre Norrland", "region=Skåne", "year=2020"],
            "start",
        ),
        (
            "projektet",
            &["owner=Lunds kommun", "fund=ESF+"],
            "budget:desc",
        ),
        (
            "ungdomar OR jämställdhet",
            &["programme_area=A", "year=2016", "year=2017"],
            "end:asc",
        ),
    ];
    for (query, specs, sort) in cases {
        let mut request = SearchRequest::new(query);
        request.filters = filters(specs);
        request.facets = vec![
            FacetKey::Fund,
            FacetKey::Region,
            FacetKey::Year,
            FacetKey::Owner,
            FacetKey::ProgrammeArea,
        ];
        request.facet_limit = 1000;
        request.sort = SortOrder::parse(sort).unwrap();
        request.limit = 15;
        let response = search(&index, &request).unwrap();
        for (key, values) in &response.facets {
            let listing = facet_values(&index, &request, *key).unwrap();
            assert_eq!(
                as_map(values),
                as_map(&listing.values),
                "{query:?} {specs:?}: {key:?}"
            );
        }
        let mut every = request.clone();
        every.limit = usize::MAX;
        let exported = ids(&index, &every);
        assert_eq!(response.total, exported.len(), "{query:?} {specs:?}");
        let page: Vec<String> = response.hits.iter().map(|h| h.id.clone()).collect();
        assert_eq!(page, exported[..page.len()], "{query:?} {specs:?} {sort}");
        assert!(response.total > 0, "{query:?} {specs:?} finds something");
    }
}
