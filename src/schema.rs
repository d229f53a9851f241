//! The index schema: which parts of a [`ProjectRecord`] are searchable text, which are
//! facets, which are numbers and dates for filtering and sorting, and how a record is
//! turned into a tantivy document and back.

use crate::analysis::{ANALYZER_NAME, FOLDED_ANALYZER_NAME, PARTS_ANALYZER_NAME};
use crate::record::{Date, ProjectRecord};
use crate::record_codec::{stored_parts, RecordCodec};
use std::sync::Arc;
use tantivy::schema::{
    DateOptions, DateTimePrecision, Facet, FacetOptions, Field, IndexRecordOption, NumericOptions,
    Schema, TextFieldIndexing, TextOptions, Value, STORED, STRING,
};
use tantivy::{DateTime, DocAddress, Searcher, TantivyDocument};

/// A facet a researcher can count and filter by. The names are the keys accepted by
/// `--filter KEY=VALUE` and used in the JSON `facets` object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FacetKey {
    /// EU fund.
    Fund,
    /// Region as named by the source.
    Region,
    /// NUTS-2 code.
    Nuts2,
    /// Programme area.
    ProgrammeArea,
    /// Specific objective.
    SpecificObjective,
    /// Project owner organisation.
    Owner,
    /// Every calendar year the project runs, or a page's publication year.
    Year,
    /// Document shape (record, project page, web page, table row).
    Shape,
    /// County (län); several for a project that spans counties.
    County,
    /// Municipality (kommun); several for a project that spans municipalities.
    Municipality,
}

impl FacetKey {
    /// Every facet key, in the order they are listed to users.
    pub const ALL: [FacetKey; 10] = [
        FacetKey::Fund,
        FacetKey::Region,
        FacetKey::Nuts2,
        FacetKey::ProgrammeArea,
        FacetKey::SpecificObjective,
        FacetKey::Owner,
        FacetKey::Year,
        FacetKey::Shape,
        FacetKey::County,
        FacetKey::Municipality,
    ];

    /// The facets counted when the user does not choose.
    pub const DEFAULT_COUNTED: [FacetKey; 5] = [
        FacetKey::Fund,
        FacetKey::Region,
        FacetKey::ProgrammeArea,
        FacetKey::Year,
        FacetKey::Owner,
    ];

    /// The key as users type it.
    pub fn name(self) -> &'static str {
        match self {
            FacetKey::Fund => "fund",
            FacetKey::Region => "region",
            FacetKey::Nuts2 => "nuts2",
            FacetKey::ProgrammeArea => "programme_area",
            FacetKey::SpecificObjective => "specific_objective",
            FacetKey::Owner => "owner",
            FacetKey::Year => "year",
            FacetKey::Shape => "shape",
            FacetKey::County => "county",
            FacetKey::Municipality => "municipality",
        }
    }

    /// The key named `name`, if there is one.
    pub fn parse(name: &str) -> Option<FacetKey> {
        FacetKey::ALL.into_iter().find(|key| key.name() == name)
    }

    /// All key names, comma-separated, for error messages.
    pub fn names() -> String {
        FacetKey::ALL.map(FacetKey::name).join(", ")
    }

    /// The values `record` has for this facet (several for `year`).
    pub fn values(self, record: &ProjectRecord) -> Vec<String> {
        let one = |value: &Option<String>| value.iter().cloned().collect();
        match self {
            FacetKey::Fund => one(&record.fund),
            FacetKey::Region => one(&record.region),
            FacetKey::Nuts2 => one(&record.nuts2),
            FacetKey::ProgrammeArea => one(&record.programme_area),
            FacetKey::SpecificObjective => one(&record.specific_objective),
            FacetKey::Owner => one(&record.owner),
            FacetKey::Year => record.years().iter().map(i32::to_string).collect(),
            FacetKey::Shape => vec![record.shape.name().to_string()],
            FacetKey::County => record.counties.clone(),
            FacetKey::Municipality => record.municipalities.clone(),
        }
    }
}

/// The facet term for one value: a one-level path, so any characters (even '/') are safe.
pub fn facet_for(value: &str) -> Facet {
    Facet::from_path([value])
}

/// Date fields that can be filtered on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateKey {
    /// Start of the project period.
    Start,
    /// End of the project period.
    End,
    /// End of the period for overlap filtering: the end, or open-ended when only a start is known.
    PeriodEnd,
    /// Publication date of a page.
    Published,
}

/// Handles to every field of the fynd schema.
#[derive(Clone, Debug)]
pub struct FyndSchema {
    /// The tantivy schema itself.
    pub schema: Schema,
    /// Record id, exact (diarienummer or content hash).
    pub id: Field,
    /// Source path, exact.
    pub path: Field,
    /// Title, Swedish-analysed.
    pub title: Field,
    /// Running text, Swedish-analysed.
    pub body: Field,
    /// Owner organisation as searchable text.
    pub owner_text: Field,
    /// Partner organisations and municipalities as searchable text.
    pub partners: Field,
    /// Compound parts of every text field ("samverkan" from "myndighetssamverkan"),
    /// searched with a lower weight than whole words; with their words' positions, by
    /// which a passage finds a hit's parts without analysing its body.
    pub parts: Field,
    /// Diacritic-folded terms of the words of every text field that have diacritics, and
    /// stopwords: the lenient field for queries typed without å/ä/ö and for queries of
    /// stopwords alone. Words without diacritics are their own folded form (in the
    /// whole-word fields), so they are not indexed twice; no positions are kept.
    pub folded: Field,
    /// The record as stored by [`FyndSchema::record_codec`]: two values, its JSON without
    /// the body, then its body, each compressed; for rebuilding hits (the first value
    /// alone), passages and record views: the one stored copy of the text (id and path
    /// included).
    pub record: Field,
    /// How this index compresses its stored records (its dictionaries).
    pub record_codec: Arc<RecordCodec>,
    facets: Vec<(FacetKey, Field)>,
    /// Start date (indexed, fast).
    pub start: Field,
    /// End date (indexed, fast).
    pub end: Field,
    /// End of period for overlap filters.
    pub period_end: Field,
    /// Publication date.
    pub published: Field,
    /// Total budget, SEK.
    pub budget: Field,
    /// Granted support, SEK.
    pub granted: Field,
    /// Co-financing rate, percent.
    pub cofinancing_rate: Field,
    /// Number of participants.
    pub participants: Field,
}

/// The date standing in for "no end known" in the period-end filter field: far enough
/// ahead for any project, and within the range tantivy dates (nanoseconds in an i64) hold.
const OPEN_END: Date = Date {
    year: 2199,
    month: 12,
    day: 31,
};

impl FyndSchema {
    /// Builds the schema every fynd index uses.
    pub fn build() -> FyndSchema {
        let mut builder = Schema::builder();
        let analysed = |tokenizer: &str, option: IndexRecordOption| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(option),
            )
        };
        // Not stored: the record field holds the whole record, title and body included.
        let swedish = || analysed(ANALYZER_NAME, IndexRecordOption::WithFreqsAndPositions);
        let date = || {
            DateOptions::default()
                .set_indexed()
                .set_fast()
                .set_precision(DateTimePrecision::Seconds)
        };
        let number = || NumericOptions::default().set_indexed().set_fast();

        let id = builder.add_text_field("id", STRING);
        let path = builder.add_text_field("path", STRING);
        let title = builder.add_text_field("title", swedish());
        let body = builder.add_text_field("body", swedish());
        let owner_text = builder.add_text_field("owner", swedish());
        let partners = builder.add_text_field("partners", swedish());
        let parts = builder.add_text_field(
            "parts",
            analysed(
                PARTS_ANALYZER_NAME,
                IndexRecordOption::WithFreqsAndPositions,
            ),
        );
        // No positions: the folded field is the lenient fallback, matched word by word.
        let folded = builder.add_text_field(
            "folded",
            analysed(FOLDED_ANALYZER_NAME, IndexRecordOption::WithFreqs),
        );
        let record = builder.add_bytes_field("record", STORED);
        let facets = FacetKey::ALL
            .into_iter()
            .map(|key| {
                let field = builder
                    .add_facet_field(&format!("facet_{}", key.name()), FacetOptions::default());
                (key, field)
            })
            .collect();
        let start = builder.add_date_field("start", date());
        let end = builder.add_date_field("end", date());
        let period_end = builder.add_date_field("period_end", date());
        let published = builder.add_date_field("published", date());
        let budget = builder.add_u64_field("budget", number());
        let granted = builder.add_u64_field("granted", number());
        let cofinancing_rate = builder.add_f64_field("cofinancing_rate", number());
        let participants = builder.add_u64_field("participants", number());
        FyndSchema {
            schema: builder.build(),
            id,
            path,
            title,
            body,
            owner_text,
            partners,
            parts,
            folded,
            record,
            record_codec: Arc::new(RecordCodec::plain()),
            facets,
            start,
            end,
            period_end,
            published,
            budget,
            granted,
            cofinancing_rate,
            participants,
        }
    }

    /// The field holding facet `key`.
    pub fn facet(&self, key: FacetKey) -> Field {
        self.facets
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, field)| *field)
            .expect("every facet key has a field")
    }

    /// The field holding date `key`.
    pub fn date(&self, key: DateKey) -> Field {
        match key {
            DateKey::Start => self.start,
            DateKey::End => self.end,
            DateKey::PeriodEnd => self.period_end,
            DateKey::Published => self.published,
        }
    }

    /// The texts of `record` that the parts field holds ahead of its body, each with its
    /// own field, in the order they are indexed: title, owner, partners, municipalities.
    /// The body comes after them, last, so that nothing follows it in the parts field and
    /// its words' positions there are its own positions shifted by one number, which
    /// [`crate::query::snippet`] computes from these texts alone.
    pub fn texts_ahead_of_body<'r>(
        &self,
        record: &'r ProjectRecord,
    ) -> impl Iterator<Item = (Field, &'r str)> + 'r {
        let (title, owner, partners) = (self.title, self.owner_text, self.partners);
        std::iter::once((title, record.title.as_str()))
            .chain(record.owner.as_deref().map(move |o| (owner, o)))
            .chain(
                record
                    .partners
                    .iter()
                    .chain(&record.municipalities)
                    .map(move |name| (partners, name.as_str())),
            )
    }

    /// Turns a record into the document that is indexed for it. Each text goes into its
    /// own field (whole words, and pairs of common words) and into the parts and folded
    /// fields; the index's Swedish tokenizers analyse it once for all three (see
    /// `analysis::recent`). The body is added last ([`FyndSchema::texts_ahead_of_body`]).
    pub fn document(&self, record: &ProjectRecord) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(self.id, &record.id);
        doc.add_text(self.path, &record.path);
        let texts = self
            .texts_ahead_of_body(record)
            .chain(std::iter::once((self.body, record.body.as_str())));
        for (field, text) in texts {
            doc.add_text(field, text);
            doc.add_text(self.parts, text);
            doc.add_text(self.folded, text);
        }
        let (head, body) = stored_parts(record);
        doc.add_bytes(self.record, &self.record_codec.encode(&head));
        doc.add_bytes(self.record, &self.record_codec.encode(body.as_bytes()));
        for (key, field) in &self.facets {
            for value in key.values(record) {
                doc.add_facet(*field, facet_for(&value));
            }
        }
        let mut add_date = |field: Field, date: Option<Date>| {
            if let Some(date) = date {
                doc.add_date(field, to_datetime(date));
            }
        };
        add_date(self.start, record.start);
        add_date(self.end, record.end);
        add_date(
            self.period_end,
            record.end.or(record.start.map(|_| OPEN_END)),
        );
        add_date(self.published, record.published);
        if let Some(budget) = record.budget {
            doc.add_u64(self.budget, budget);
        }
        if let Some(granted) = record.granted {
            doc.add_u64(self.granted, granted);
        }
        if let Some(rate) = record.cofinancing_rate {
            doc.add_f64(self.cofinancing_rate, rate);
        }
        if let Some(participants) = record.participants {
            doc.add_u64(self.participants, participants);
        }
        doc
    }

    /// Reads the record stored for `address`. Damaged store bytes are an error, never a
    /// panic: tantivy's document reader trusts the lengths it reads, and the store has no
    /// compression of its own to refuse damaged bytes before they are parsed (each record
    /// carries its own checksum, checked in [`FyndSchema::record_from`]).
    pub fn read_record(
        &self,
        searcher: &Searcher,
        address: DocAddress,
    ) -> tantivy::Result<ProjectRecord> {
        self.read_stored(searcher, address, true)
    }

    /// Reads the record stored for `address` without its body (left empty), which is
    /// stored apart: what a hit without a passage shows. Otherwise as
    /// [`FyndSchema::read_record`].
    pub fn read_record_without_body(
        &self,
        searcher: &Searcher,
        address: DocAddress,
    ) -> tantivy::Result<ProjectRecord> {
        self.read_stored(searcher, address, false)
    }

    fn read_stored(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        with_body: bool,
    ) -> tantivy::Result<ProjectRecord> {
        let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            searcher.doc::<TantivyDocument>(address)
        }));
        match read {
            Ok(doc) => self.record_parts_from(&doc?, with_body),
            Err(_) => Err(damaged(
                "the document store cannot be read at a record".into(),
            )),
        }
    }

    /// Rebuilds the record a stored document was made from.
    pub fn record_from(&self, doc: &TantivyDocument) -> tantivy::Result<ProjectRecord> {
        self.record_parts_from(doc, true)
    }

    fn record_parts_from(
        &self,
        doc: &TantivyDocument,
        with_body: bool,
    ) -> tantivy::Result<ProjectRecord> {
        let mut parts = doc.get_all(self.record).filter_map(|v| v.as_bytes());
        let decode = |frame: &[u8]| {
            self.record_codec
                .decode(frame)
                .map_err(|err| damaged(format!("a stored record does not read: {err}")))
        };
        // Both parts are always there: a missing one is damage, not an empty body.
        let (Some(head), Some(body)) = (parts.next(), parts.next()) else {
            return Err(damaged("a stored record lacks a part".into()));
        };
        let head = decode(head)?;
        let mut record: ProjectRecord = serde_json::from_slice(&head).map_err(|err| {
            tantivy::TantivyError::InternalError(format!("stored record does not parse: {err}"))
        })?;
        if with_body {
            record.body = String::from_utf8(decode(body)?)
                .map_err(|_| damaged("a stored body is not UTF-8".into()))?;
        }
        Ok(record)
    }
}

/// The error of a stored record that cannot be read as it was written.
fn damaged(what: String) -> tantivy::TantivyError {
    tantivy::TantivyError::DataCorruption(tantivy::error::DataCorruption::comment_only(what))
}

/// A calendar date as the tantivy date value (midnight UTC) it is indexed as. Dates outside
/// 1700–2199 (typos such as "3024-01-01") are clamped to that range, which tantivy's
/// nanosecond timestamps can hold.
pub fn to_datetime(date: Date) -> DateTime {
    const FIRST_DAY: i64 = -98_250; // 1701-01-01
    const LAST_DAY: i64 = 84_005; // 2199-12-31
    let days = date.days_since_epoch().clamp(FIRST_DAY, LAST_DAY);
    DateTime::from_timestamp_secs(days * 86_400)
}
