package dev.weft.io;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The simple sequential reference: reads whole files, one String per line and per field, and
 * implements the documented format rules directly. Slow and obviously right.
 */
final class Reference {
  private Reference() {}

  static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  /** A parsed line: fields if good, a reason if bad. */
  record Row(String file, long offset, long line, List<String> fields, String bad) {
    boolean good() {
      return bad == null;
    }
  }

  static List<Row> parse(List<Path> files, boolean csv, char delim, boolean header, int fieldCount)
      throws IOException {
    List<List<Row>> perFile = new ArrayList<>();
    int expected = fieldCount;
    for (Path f : files) {
      perFile.add(parseFile(f, csv, delim, header));
    }
    if (csv && expected == 0) {
      expected = -1;
      outer:
      for (Path f : files) {
        for (Row r : parseFile(f, true, delim, false)) {
          expected = r.good() ? r.fields().size() : -1;
          break outer;
        }
      }
    }
    List<Row> out = new ArrayList<>();
    for (List<Row> rows : perFile) {
      for (Row r : rows) {
        if (csv && r.good() && expected > 0 && r.fields().size() != expected) {
          r = new Row(r.file(), r.offset(), r.line(), null, "field count");
        }
        out.add(r);
      }
    }
    return out;
  }

  static List<Row> parseFile(Path f, boolean csv, char delim, boolean header) throws IOException {
    byte[] all = Files.readAllBytes(f);
    List<Row> rows = new ArrayList<>();
    int start = 0;
    long lineNo = 0;
    while (start < all.length) {
      int nl = start;
      while (nl < all.length && all[nl] != '\n') {
        nl++;
      }
      lineNo++;
      int from = start;
      int to = nl;
      if (to > from && all[to - 1] == '\r') {
        to--;
      }
      if (from == 0
          && to - from >= 3
          && all[0] == (byte) 0xEF
          && all[1] == (byte) 0xBB
          && all[2] == (byte) 0xBF) {
        from += 3;
      }
      byte[] line = Arrays.copyOfRange(all, from, to);
      long offset = start;
      start = nl + 1;
      if (header && lineNo == 1) {
        continue;
      }
      if (csv && line.length == 0) {
        continue;
      }
      String text;
      try {
        text =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(line))
                .toString();
      } catch (CharacterCodingException e) {
        rows.add(new Row(f.toString(), offset, lineNo, null, "utf8"));
        continue;
      }
      if (!csv) {
        rows.add(new Row(f.toString(), offset, lineNo, List.of(text), null));
        continue;
      }
      List<String> fields = splitCsv(text, delim);
      rows.add(
          fields == null
              ? new Row(f.toString(), offset, lineNo, null, "quote")
              : new Row(f.toString(), offset, lineNo, fields, null));
    }
    return rows;
  }

  /** Splits one line; null if its quoting is malformed. */
  static List<String> splitCsv(String s, char delim) {
    List<String> fields = new ArrayList<>();
    int i = 0;
    while (true) {
      StringBuilder field = new StringBuilder();
      if (i < s.length() && s.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= s.length()) {
            return null;
          }
          char c = s.charAt(i);
          if (c == '"') {
            if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
              field.append('"');
              i += 2;
              continue;
            }
            i++;
            break;
          }
          field.append(c);
          i++;
        }
        fields.add(field.toString());
        if (i == s.length()) {
          return fields;
        }
        if (s.charAt(i) != delim) {
          return null;
        }
        i++;
      } else {
        int j = s.indexOf(delim, i);
        if (j < 0) {
          fields.add(s.substring(i));
          return fields;
        }
        fields.add(s.substring(i, j));
        i = j + 1;
      }
    }
  }

  /** A number by the documented grammar, or null. */
  static Double number(String s) {
    return NUMBER.matcher(s).matches() ? Double.parseDouble(s) : null;
  }

  /** Stats by key of good rows whose value parses; exact sums through BigDecimal. */
  static TreeMap<String, Stats> statsBy(List<Row> rows, int key, int value) {
    TreeMap<String, long[]> counts = new TreeMap<>();
    Map<String, BigDecimal> sums = new TreeMap<>();
    Map<String, double[]> minMax = new TreeMap<>();
    Map<String, Double> infinite = new TreeMap<>();
    for (Row r : rows) {
      if (!r.good()) {
        continue;
      }
      Double v = number(r.fields().get(value));
      if (v == null) {
        continue;
      }
      String k = r.fields().get(key);
      counts.computeIfAbsent(k, x -> new long[1])[0]++;
      if (Double.isFinite(v)) {
        sums.merge(k, new BigDecimal(v), BigDecimal::add);
      } else {
        infinite.merge(k, v, Double::sum); // an infinity (or NaN) decides the sum, as in IEEE
      }
      double[] mm =
          minMax.computeIfAbsent(
              k, x -> new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});
      mm[0] = Math.min(mm[0], v);
      mm[1] = Math.max(mm[1], v);
    }
    TreeMap<String, Stats> out = new TreeMap<>();
    for (String k : counts.keySet()) {
      double[] mm = minMax.get(k);
      double sum =
          infinite.containsKey(k)
              ? infinite.get(k)
              : sums.getOrDefault(k, BigDecimal.ZERO).doubleValue();
      out.put(k, new Stats(counts.get(k)[0], sum, mm[0], mm[1]));
    }
    return out;
  }
}
