// The Lucene 10.5 side of benches/peers/run.sh (compiled against the Anserini fat jar that
// run.sh fetches, run on a JDK of Java 21 or newer): indexes the generated records (records.tsv,
// written by peers.py) with Swedish analysis plus dictionary decompounding, then runs the
// query specs with warm-up and prints one JSON object (index time, size, per-class
// latencies in ms). For the compound-part class it also writes every matching id to
// IDS_DIR/lucene-<query>.txt so peers.py can compute recall against the generator's truth.
//
// Analysis: StandardTokenizer, lower case, Swedish stopwords, DictionaryCompoundWordTokenFilter
// fed the word list of Debian's hunspell-sv, Snowball Swedish stemmer (SwedishAnalyzer's chain
// with decompounding added). Facets: SortedSetDocValuesFacetCounts over fund, region, year.
//
// The JVM is warmed before timing: the warm-up rounds asked for and at least 15 s of queries.
// With QUERY_THREADS > 1 each query is spread over that many threads (IndexSearcher with an
// executor, collector managers), as fynd spreads a query over its segments.
//
// With DICT.txt given as "-" the chain is SwedishAnalyzer's alone (no decompounding): the
// plain reference for indexing speed.
//
// With the environment variable QUERY_ONLY=1 it indexes nothing: it times the queries again
// on the index already in INDEX_DIR (a further pass of run.sh's PASSES), and writes no ids.
//
// Usage: java -cp ... LuceneBench RECORDS.tsv DICT.txt INDEX_DIR SPECS.tsv ROUNDS WARMUP IDS_DIR THREADS [QUERY_THREADS]

import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import org.apache.lucene.analysis.*;
import org.apache.lucene.analysis.compound.DictionaryCompoundWordTokenFilter;
import org.apache.lucene.analysis.core.LowerCaseFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.sv.SwedishAnalyzer;
import org.apache.lucene.document.*;
import org.apache.lucene.facet.*;
import org.apache.lucene.facet.sortedset.*;
import org.apache.lucene.index.*;
import org.apache.lucene.queryparser.classic.*;
import org.apache.lucene.search.*;
import org.apache.lucene.store.*;
import org.tartarus.snowball.ext.SwedishStemmer;

public class LuceneBench {
    /** SwedishAnalyzer's chain, with dictionary decompounding when dict is not null (at
     *  index time only: a query for a part then finds the compounds, and a query for a
     *  compound is not widened to its parts). */
    static final class SwedishCompoundAnalyzer extends Analyzer {
        final CharArraySet dict;
        SwedishCompoundAnalyzer(CharArraySet dict) { this.dict = dict; }
        @Override protected TokenStreamComponents createComponents(String field) {
            Tokenizer source = new StandardTokenizer();
            TokenStream s = new LowerCaseFilter(source);
            s = new StopFilter(s, SwedishAnalyzer.getDefaultStopSet());
            if (dict != null) s = new DictionaryCompoundWordTokenFilter(s, dict, 5, 4, 15, true);
            s = new SnowballFilter(s, new SwedishStemmer());
            return new TokenStreamComponents(source, s);
        }
        @Override protected TokenStream normalize(String field, TokenStream in) {
            return new LowerCaseFilter(in);
        }
    }

    static long dirBytes(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    public static void main(String[] args) throws Exception {
        Path records = Paths.get(args[0]);
        Path dictPath = Paths.get(args[1]);
        Path indexDir = Paths.get(args[2]);
        Path specs = Paths.get(args[3]);
        int rounds = Integer.parseInt(args[4]);
        int warmup = Integer.parseInt(args[5]);
        Path idsDir = Paths.get(args[6]);
        int threads = Integer.parseInt(args[7]);
        int queryThreads = args.length > 8 ? Integer.parseInt(args[8]) : 1;

        CharArraySet dict = null;
        if (!args[1].equals("-")) {
            dict = new CharArraySet(200_000, true);
            for (String w : Files.readAllLines(dictPath, StandardCharsets.UTF_8)) if (!w.isEmpty()) dict.add(w);
        }
        Analyzer analyzer = new SwedishCompoundAnalyzer(dict);
        Analyzer queryAnalyzer = new SwedishCompoundAnalyzer(null);
        FacetsConfig config = new FacetsConfig();
        config.setMultiValued("year", true);

        boolean queryOnly = "1".equals(System.getenv("QUERY_ONLY"));
        long docs = 0;
        double indexSeconds = 0;
        if (!queryOnly) {
            // Index.
            long t0 = System.nanoTime();
            Directory dir = FSDirectory.open(indexDir);
            IndexWriterConfig iwc = new IndexWriterConfig(analyzer);
            iwc.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
            iwc.setRAMBufferSizeMB(256);
            IndexWriter writer = new IndexWriter(dir, iwc);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> pending = new ArrayList<>();
            try (BufferedReader in = Files.newBufferedReader(records, StandardCharsets.UTF_8)) {
                List<String> batch = new ArrayList<>();
                String line;
                while ((line = in.readLine()) != null) {
                    batch.add(line);
                    docs++;
                    if (batch.size() == 1000) {
                        final List<String> b = batch;
                        pending.add(pool.submit(() -> { addAll(writer, config, b); return null; }));
                        batch = new ArrayList<>();
                        if (pending.size() > threads * 4) { pending.remove(0).get(); }
                    }
                }
                final List<String> b = batch;
                pending.add(pool.submit(() -> { addAll(writer, config, b); return null; }));
            }
            for (Future<?> f : pending) f.get();
            pool.shutdown();
            writer.commit();
            writer.close();
            indexSeconds = (System.nanoTime() - t0) / 1e9;
        }
        long indexBytes = dirBytes(indexDir);

        // Queries.
        DirectoryReader reader = DirectoryReader.open(FSDirectory.open(indexDir));
        if (queryOnly) docs = reader.numDocs();
        ExecutorService queryPool = queryThreads > 1 ? Executors.newFixedThreadPool(queryThreads) : null;
        IndexSearcher searcher = queryPool != null ? new IndexSearcher(reader, queryPool) : new IndexSearcher(reader);
        SortedSetDocValuesReaderState state = new DefaultSortedSetDocValuesReaderState(reader, config);
        List<String[]> spec = new ArrayList<>();
        for (String l : Files.readAllLines(specs, StandardCharsets.UTF_8)) {
            if (l.isEmpty()) continue;
            String[] f = l.split("\t", -1);
            spec.add(f);
        }
        List<Query> queries = new ArrayList<>();
        List<Sort> sorts = new ArrayList<>();
        for (String[] f : spec) {
            queries.add(build(queryAnalyzer, f));
            sorts.add(sortOf(f[5]));
        }
        Map<String, List<Double>> times = new LinkedHashMap<>();
        Map<String, Long> hits = new LinkedHashMap<>();
        // Warm the JVM: the warm-up rounds asked for, and at least 15 seconds of queries, so
        // the JIT has compiled the search paths before anything is timed.
        long warmStart = System.nanoTime();
        int warmRounds = 0;
        while (warmRounds < warmup || System.nanoTime() - warmStart < 15_000_000_000L) {
            for (int i = 0; i < spec.size(); i++) run(searcher, state, config, queries.get(i), sorts.get(i));
            warmRounds++;
        }
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < spec.size(); i++) {
                long s = System.nanoTime();
                long total = run(searcher, state, config, queries.get(i), sorts.get(i));
                double ms = (System.nanoTime() - s) / 1e6;
                {
                    times.computeIfAbsent(spec.get(i)[0], k -> new ArrayList<>()).add(ms);
                    hits.merge(spec.get(i)[0], total, Long::sum);
                }
            }
        }
        // Every id matching each compound-part query, for recall.
        Files.createDirectories(idsDir);
        for (int i = 0; i < spec.size(); i++) {
            if (queryOnly || !spec.get(i)[0].equals("compound_part")) continue;
            TopDocs all = searcher.search(queries.get(i), Math.max(1, reader.maxDoc()));
            StoredFields stored = searcher.storedFields();
            try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(idsDir.resolve((dict == null ? "lucene-plain-" : "lucene-") + spec.get(i)[2] + ".txt")))) {
                for (ScoreDoc sd : all.scoreDocs) out.println(stored.document(sd.doc).get("id"));
            }
        }
        StringBuilder json = new StringBuilder();
        json.append("{\"engine\":\"").append(dict == null ? "lucene-plain" : "lucene").append("\",\"docs\":").append(docs)
            .append(",\"index_seconds\":").append(indexSeconds)
            .append(",\"index_bytes\":").append(indexBytes)
            .append(",\"segments\":").append(reader.leaves().size())
            .append(",\"query_threads\":").append(queryThreads)
            .append(",\"times\":{");
        boolean first = true;
        for (var e : times.entrySet()) {
            if (!first) json.append(',');
            first = false;
            json.append('"').append(e.getKey()).append("\":[");
            for (int i = 0; i < e.getValue().size(); i++) {
                if (i > 0) json.append(',');
                json.append(String.format(Locale.ROOT, "%.4f", e.getValue().get(i)));
            }
            json.append(']');
        }
        json.append("},\"hits\":{");
        first = true;
        for (var e : hits.entrySet()) {
            if (!first) json.append(',');
            first = false;
            json.append('"').append(e.getKey()).append("\":").append(e.getValue());
        }
        json.append("}}");
        System.out.println(json);
        if (queryPool != null) queryPool.shutdown();
    }

    static void addAll(IndexWriter writer, FacetsConfig config, List<String> lines) throws IOException {
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            Document doc = new Document();
            doc.add(new StringField("id", f[0], Field.Store.YES));
            doc.add(new TextField("title", f[1], Field.Store.YES));
            doc.add(new TextField("body", f[2], Field.Store.YES));
            if (!f[3].isEmpty()) {
                doc.add(new StringField("fund", f[3], Field.Store.NO));
                doc.add(new SortedSetDocValuesFacetField("fund", f[3]));
            }
            if (!f[4].isEmpty()) {
                doc.add(new StringField("region", f[4], Field.Store.NO));
                doc.add(new SortedSetDocValuesFacetField("region", f[4]));
            }
            if (!f[6].isEmpty()) for (String y : f[6].split(",")) doc.add(new SortedSetDocValuesFacetField("year", y));
            String[] numeric = {"start", "end", "budget", "granted"};
            int[] cols = {7, 8, 9, 10};
            for (int i = 0; i < 4; i++) {
                if (!f[cols[i]].isEmpty()) {
                    long v = Long.parseLong(f[cols[i]]);
                    doc.add(new LongPoint(numeric[i], v));
                    doc.add(new NumericDocValuesField(numeric[i], v));
                }
            }
            writer.addDocument(config.build(doc));
        }
    }

    static Query build(Analyzer analyzer, String[] f) throws ParseException {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        String text = f[2];
        if (text.isEmpty()) {
            b.add(MatchAllDocsQuery.INSTANCE, BooleanClause.Occur.MUST);
        } else {
            Map<String, Float> boosts = Map.of("title", 2f, "body", 1f);
            MultiFieldQueryParser parser = new MultiFieldQueryParser(new String[]{"title", "body"}, analyzer, boosts);
            parser.setDefaultOperator(QueryParser.Operator.AND);
            b.add(parser.parse(text), BooleanClause.Occur.MUST);
        }
        Map<String, List<String>> filters = new LinkedHashMap<>();
        if (!f[3].isEmpty()) for (String kv : f[3].split(";")) {
            String[] p = kv.split("=", 2);
            filters.computeIfAbsent(p[0], k -> new ArrayList<>()).add(p[1]);
        }
        for (var e : filters.entrySet()) {
            BooleanQuery.Builder any = new BooleanQuery.Builder();
            for (String v : e.getValue()) any.add(new TermQuery(new Term(e.getKey(), v)), BooleanClause.Occur.SHOULD);
            b.add(any.build(), BooleanClause.Occur.FILTER);
        }
        if (!f[4].isEmpty()) for (String r : f[4].split(";")) {
            String[] p = r.split(":");
            b.add(LongPoint.newRangeQuery(p[0], Long.parseLong(p[1]), Long.parseLong(p[2])), BooleanClause.Occur.FILTER);
        }
        return b.build();
    }

    static Sort sortOf(String s) {
        if (s.isEmpty()) return null;
        String[] p = s.split(":");
        boolean desc = p[1].equals("desc");
        SortField field = new SortField(p[0], SortField.Type.LONG, desc, desc ? Long.MIN_VALUE : Long.MAX_VALUE);
        return new Sort(field, SortField.FIELD_SCORE);
    }

    /** Top 10 ids and titles, the total count, and fund/region/year counts. */
    static long run(IndexSearcher searcher, SortedSetDocValuesReaderState state, FacetsConfig config,
                    Query q, Sort sort) throws IOException {
        // One pass: the top 10 and every hit for the facets, each slice of segments on the
        // searcher's executor when it has one (exact totals: no early termination).
        CollectorManager<?, ? extends TopDocs> topManager = sort == null
            ? new TopScoreDocCollectorManager(10, null, Integer.MAX_VALUE)
            : new TopFieldCollectorManager(sort, 10, null, Integer.MAX_VALUE);
        Object[] results = searcher.search(q, new MultiCollectorManager(topManager, new FacetsCollectorManager()));
        TopDocs top = (TopDocs) results[0];
        FacetsCollector fc = (FacetsCollector) results[1];
        long total = 0;
        for (FacetsCollector.MatchingDocs m : fc.getMatchingDocs()) total += m.totalHits();
        StoredFields stored = searcher.storedFields();
        for (ScoreDoc sd : top.scoreDocs) {
            Document d = stored.document(sd.doc, Set.of("id", "title"));
            if (d.get("id") == null) throw new IllegalStateException("no id");
        }
        if (total > 0) {
            Facets facets = new SortedSetDocValuesFacetCounts(state, fc);
            facets.getTopChildren(10, "fund");
            facets.getTopChildren(10, "region");
            facets.getTopChildren(30, "year");
        }
        return total;
    }
}
