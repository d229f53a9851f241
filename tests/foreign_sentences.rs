//! Story: a researcher counts records about "ting" (a thing; a court) in the shipped
//! project records. Record 70406 describes its project in English ("students … within
//! marketing and design"), and "marketing" is no Swedish "marke" + "ting". Properties: a
//! word of an English sentence is found as itself and never through Swedish compound
//! parts; Swedish compounds in the same text are still split.

mod common;

use common::{ids, index_shipped_records, open, run, run_in};

#[test]
fn an_english_sentence_is_not_read_as_swedish_compounds() {
    let dir = index_shipped_records();
    let index = open(dir.path());

    let marketing = ids(&run(&index, "marketing", 1000));
    assert!(
        marketing.contains(&"70406".to_string()),
        "the record says \"marketing\": {marketing:?}"
    );
    for mode in ["compound", "broad"] {
        let hits = ids(&run_in(&index, "ting", mode, 2));
        assert!(
            !hits.contains(&"70406".to_string()),
            "ting ({mode}) finds the English \"marketing\""
        );
    }
    // The record's Swedish half still has its compounds split: "verksamhetsmodell" is
    // found by "modell".
    let modell = ids(&run(&index, "modell", 1000));
    assert!(modell.contains(&"70406".to_string()));

    // Swedish sentences still have their compounds split: "sol" finds "solenergi".
    let sol = run_in(&index, "sol", "compound", 2);
    let solenergi = run_in(&index, "solenergi", "exact", 2);
    assert!(solenergi.total > 0);
    let sol_ids = ids(&sol);
    assert!(ids(&solenergi).iter().all(|id| sol_ids.contains(id)));
}
