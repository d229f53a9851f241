// Lucene on the judged sets of tests/data/judged/: indexes every record of corpus/ with one
// or more analysis chains, runs each judged query as Lucene's classic QueryParser parses the
// single word with the same analyzer, collects the whole match set (every matching
// document, no top-k) and scores it against qrels.tsv as tests/judged_sets.rs does:
//
//   compound set: precision = |hits ∩ relevant| / |hits| (1.0 when no hits),
//                 recall    = |hits ∩ relevant| / |relevant|
//   part set:     recall as above, probe false-hit rate = |hits ∩ probe| / |probe|
//                 (mean over the queries that have probe records)
//
// Chains (all: StandardTokenizer, LowerCaseFilter, StopFilter with SwedishAnalyzer's stop
// set, SnowballFilter(SwedishStemmer) last, which is SwedishAnalyzer's own chain in Lucene 10
// and what Elasticsearch's `swedish` analyzer builds on):
//   swedish            : nothing more (SwedishAnalyzer as is)
//   decompound         : + DictionaryCompoundWordTokenFilter(words, minWordSize 5,
//                        minSubwordSize 2, maxSubwordSize 15, onlyLongestMatch false) before
//                        the stemmer (the filter's and Elasticsearch's defaults)
//   decompound-longest : the same with onlyLongestMatch true (at each start offset only the
//                        longest dictionary word; the deprecated 7-argument constructor with
//                        onlyLongestMatch=true, onlyLongestMatchIgnoreSubwords=false)
//   decompound-nosub   : onlyLongestMatchIgnoreSubwords=true (longest word at an offset, then
//                        scanning resumes after it: what the 6-argument constructor's `true`
//                        means in Lucene 10.5; see README)
// The same analyzer at index and query time.
//
// Usage: java -cp FATJAR:CLASSES JudgedLucene RECORDS.tsv WORDS.txt QRELS.tsv OUT_DIR CHAIN...
//   RECORDS.tsv: id TAB text (tabs and line breaks of the text turned into spaces)
//   WORDS.txt:   the decompounding word list, one word a line
// Writes OUT_DIR/hits-CHAIN.tsv (query, record id, label) and OUT_DIR/parsed-CHAIN.tsv
// (query, the parsed Query's toString), prints the tables to stdout.

import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import org.apache.lucene.analysis.*;
import org.apache.lucene.analysis.compound.DictionaryCompoundWordTokenFilter;
import org.apache.lucene.analysis.compound.CompoundWordTokenFilterBase;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.sv.SwedishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.*;
import org.apache.lucene.document.*;
import org.apache.lucene.index.*;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.*;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.Version;
import org.tartarus.snowball.ext.SwedishStemmer;

public class JudgedLucene {
    static final String FIELD = "text";

    /** SwedishAnalyzer's chain, with a DictionaryCompoundWordTokenFilter before the stemmer
     *  when dict is not null. */
    static final class Chain extends Analyzer {
        final CharArraySet dict;
        final boolean onlyLongest, ignoreSubwords;
        Chain(CharArraySet dict, boolean onlyLongest, boolean ignoreSubwords) {
            this.dict = dict; this.onlyLongest = onlyLongest; this.ignoreSubwords = ignoreSubwords;
        }
        @Override protected TokenStreamComponents createComponents(String field) {
            Tokenizer source = new StandardTokenizer();
            TokenStream s = new LowerCaseFilter(source);
            s = new StopFilter(s, SwedishAnalyzer.getDefaultStopSet());
            if (dict != null && onlyLongest) {
                // Plain onlyLongestMatch is reached in Lucene 10.5 only through this
                // (deprecated) 7-argument constructor.
                s = new DictionaryCompoundWordTokenFilter(s, dict,
                        CompoundWordTokenFilterBase.DEFAULT_MIN_WORD_SIZE,
                        CompoundWordTokenFilterBase.DEFAULT_MIN_SUBWORD_SIZE,
                        CompoundWordTokenFilterBase.DEFAULT_MAX_SUBWORD_SIZE,
                        true, ignoreSubwords);
            } else if (dict != null) {
                // In Lucene 10.5 the 6-argument constructor's flag is
                // onlyLongestMatchIgnoreSubwords (onlyLongestMatch is passed as false).
                s = new DictionaryCompoundWordTokenFilter(s, dict,
                        CompoundWordTokenFilterBase.DEFAULT_MIN_WORD_SIZE,
                        CompoundWordTokenFilterBase.DEFAULT_MIN_SUBWORD_SIZE,
                        CompoundWordTokenFilterBase.DEFAULT_MAX_SUBWORD_SIZE,
                        ignoreSubwords);
            }
            s = new SnowballFilter(s, new SwedishStemmer());
            return new TokenStreamComponents(source, s);
        }
        @Override protected TokenStream normalize(String field, TokenStream in) {
            return new LowerCaseFilter(in);
        }
    }

    static Analyzer chain(String name, CharArraySet dict) {
        switch (name) {
            case "swedish": return new Chain(null, false, false);
            case "decompound": return new Chain(dict, false, false);
            case "decompound-longest": return new Chain(dict, true, false);
            case "decompound-nosub": return new Chain(dict, false, true);
            default: throw new IllegalArgumentException("unknown chain " + name);
        }
    }

    /** Judged records of one query. */
    static final class Judged {
        String set;
        final Set<String> relevant = new HashSet<>(), probe = new HashSet<>(), nonrelevant = new HashSet<>();
    }

    /** One query's figures: hits, then precision and recall (compound) or recall and probe rate (part). */
    record Row(String query, Judged j, int hits, double a, double b) {}

    static String show(double v) { return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v); }

    static double mean(List<Row> rows, String set, boolean first) {
        double sum = 0; int n = 0;
        for (Row r : rows) {
            if (!r.j.set.equals(set)) continue;
            double v = first ? r.a : r.b;
            if (Double.isNaN(v)) continue;
            sum += v; n++;
        }
        return sum / n;
    }

    static List<String> tokens(Analyzer a, String text) throws IOException {
        List<String> out = new ArrayList<>();
        try (TokenStream ts = a.tokenStream(FIELD, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
            ts.reset();
            while (ts.incrementToken()) out.add((inc.getPositionIncrement() == 0 ? "=" : "") + term);
            ts.end();
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        Path records = Paths.get(args[0]), wordsPath = Paths.get(args[1]), qrelsPath = Paths.get(args[2]);
        Path out = Paths.get(args[3]);
        List<String> chains = Arrays.asList(args).subList(4, args.length);
        Files.createDirectories(out);

        List<String> words = Files.readAllLines(wordsPath, StandardCharsets.UTF_8);
        CharArraySet dict = new CharArraySet(words.size(), false);
        for (String w : words) if (!w.isEmpty()) dict.add(w);

        List<String[]> docs = new ArrayList<>();
        for (String line : Files.readAllLines(records, StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            docs.add(new String[] {line.substring(0, tab), line.substring(tab + 1)});
        }

        LinkedHashMap<String, Judged> judged = new LinkedHashMap<>();
        for (String line : Files.readAllLines(qrelsPath, StandardCharsets.UTF_8)) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] c = line.split("\t");
            Judged j = judged.computeIfAbsent(c[0], k -> new Judged());
            j.set = c[1];
            switch (c[3]) {
                case "relevant" -> j.relevant.add(c[2]);
                case "probe" -> j.probe.add(c[2]);
                default -> j.nonrelevant.add(c[2]);
            }
        }

        System.out.printf("Lucene %s; %d records; %d judged queries; word list: %d words%n",
                Version.LATEST, docs.size(), judged.size(), dict.size());

        Map<String, double[]> means = new LinkedHashMap<>();
        for (String name : chains) {
            Analyzer analyzer = chain(name, dict);
            ByteBuffersDirectory dir = new ByteBuffersDirectory();
            try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(analyzer))) {
                for (String[] d : docs) {
                    Document doc = new Document();
                    doc.add(new StringField("id", d[0], Field.Store.YES));
                    doc.add(new TextField(FIELD, d[1], Field.Store.NO));
                    w.addDocument(doc);
                }
            }
            List<Row> rows = new ArrayList<>();
            try (DirectoryReader reader = DirectoryReader.open(dir);
                 PrintWriter hitsOut = new PrintWriter(Files.newBufferedWriter(out.resolve("hits-" + name + ".tsv")));
                 PrintWriter parsedOut = new PrintWriter(Files.newBufferedWriter(out.resolve("parsed-" + name + ".tsv")))) {
                IndexSearcher searcher = new IndexSearcher(reader);
                StoredFields stored = reader.storedFields();
                QueryParser parser = new QueryParser(FIELD, analyzer);
                hitsOut.println("# query\tset\trecord id\tlabel");
                parsedOut.println("# query\tquery tokens (= : same position as the token before)\tparsed query");
                for (Map.Entry<String, Judged> e : judged.entrySet()) {
                    String q = e.getKey();
                    Judged j = e.getValue();
                    Query query = parser.parse(QueryParser.escape(q));
                    parsedOut.println(q + "\t" + String.join(" ", tokens(analyzer, q)) + "\t" + query);
                    // The whole match set: every matching document (n = maxDoc).
                    TopDocs top = searcher.search(query, Math.max(1, reader.maxDoc()));
                    Set<String> hits = new HashSet<>();
                    for (ScoreDoc sd : top.scoreDocs) hits.add(stored.document(sd.doc).get("id"));
                    List<String> sorted = new ArrayList<>(hits);
                    Collections.sort(sorted);
                    for (String id : sorted) {
                        String label = j.relevant.contains(id) ? "relevant" : j.probe.contains(id) ? "probe"
                                : j.nonrelevant.contains(id) ? "nonrelevant" : "unjudged";
                        hitsOut.println(q + "\t" + j.set + "\t" + id + "\t" + label);
                    }
                    long found = hits.stream().filter(j.relevant::contains).count();
                    double recall = (double) found / j.relevant.size();
                    if (j.set.equals("compound")) {
                        double precision = hits.isEmpty() ? 1.0 : (double) found / hits.size();
                        rows.add(new Row(q, j, hits.size(), precision, recall));
                    } else {
                        long probeHits = hits.stream().filter(j.probe::contains).count();
                        double rate = j.probe.isEmpty() ? Double.NaN : (double) probeHits / j.probe.size();
                        rows.add(new Row(q, j, hits.size(), recall, rate));
                    }
                }
            }

            System.out.println();
            System.out.println("=== chain: " + name);
            System.out.println("compound set: match-set precision and recall");
            System.out.printf(Locale.ROOT, "%-24s %5s %6s %9s %9s%n", "query", "rel", "hits", "precision", "recall");
            for (Row r : rows) if (r.j.set.equals("compound"))
                System.out.printf(Locale.ROOT, "%-24s %5d %6d %9s %9s%n", r.query, r.j.relevant.size(), r.hits, show(r.a), show(r.b));
            double cp = mean(rows, "compound", true), cr = mean(rows, "compound", false);
            System.out.printf(Locale.ROOT, "%-24s %5s %6s %9s %9s%n", "MEAN", "", "", show(cp), show(cr));
            System.out.println();
            System.out.println("part set: recall and probe false-hit rate");
            System.out.printf(Locale.ROOT, "%-24s %5s %5s %6s %9s %10s%n", "query", "rel", "probe", "hits", "recall", "probe hits");
            for (Row r : rows) if (r.j.set.equals("part"))
                System.out.printf(Locale.ROOT, "%-24s %5d %5d %6d %9s %10s%n", r.query, r.j.relevant.size(), r.j.probe.size(), r.hits, show(r.a), show(r.b));
            double pr = mean(rows, "part", true), pp = mean(rows, "part", false);
            System.out.printf(Locale.ROOT, "%-24s %5s %5s %6s %9s %10s%n", "MEAN", "", "", "", show(pr), show(pp));
            System.out.println("(probe hits: mean over the queries that have probe records)");
            means.put(name, new double[] {cp, cr, pr, pp});
        }

        System.out.println();
        System.out.println("=== means");
        System.out.printf(Locale.ROOT, "%-20s %19s %16s %12s %18s%n", "chain", "compound precision", "compound recall", "part recall", "part probe hits");
        for (Map.Entry<String, double[]> e : means.entrySet()) {
            double[] m = e.getValue();
            System.out.printf(Locale.ROOT, "%-20s %19s %16s %12s %18s%n", e.getKey(), show(m[0]), show(m[1]), show(m[2]), show(m[3]));
        }
    }
}
