package dev.weft.io.internal;

import dev.weft.io.MalformedRecordException;
import dev.weft.io.Row;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The reusable {@link Row} of one chunk: field bounds into the chunk's buffer, re-filled for every
 * line. Quoted fields are unescaped in place (the buffer is the chunk's own copy), so a field is
 * always one contiguous slice.
 */
final class RowView implements Row {
  private final String file;
  private final boolean csv;
  private final byte delimiter;
  byte[] buf;
  private int[] starts = new int[8];
  private int[] ends = new int[8];
  private int count;
  long offset;
  private KeyTable<Void> keys;

  RowView(String file, boolean csv, byte delimiter) {
    this.file = file;
    this.csv = csv;
    this.delimiter = delimiter;
  }

  /** Forgets the fields. */
  void clear() {
    count = 0;
  }

  /** Splits {@code buf[from, to)}, one line without its line end, into fields. */
  void parse(int from, int to) {
    count = 0;
    if (!csv) {
      add(from, to);
      return;
    }
    byte[] b = buf;
    byte d = delimiter;
    int i = from;
    while (true) {
      if (i < to && b[i] == '"') {
        int w = i;
        int r = i + 1;
        while (true) {
          if (r >= to) {
            throw new MalformedRecordException(
                "unterminated quote (newlines inside quoted fields are not supported)");
          }
          byte c = b[r];
          if (c == '"') {
            if (r + 1 < to && b[r + 1] == '"') {
              b[w++] = '"';
              r += 2;
              continue;
            }
            r++;
            break;
          }
          b[w++] = c;
          r++;
        }
        add(i, w);
        if (r == to) {
          return;
        }
        if (b[r] != d) {
          throw new MalformedRecordException(
              "unexpected '" + (char) (b[r] & 0xFF) + "' after a closing quote");
        }
        i = r + 1;
      } else {
        int j = i;
        while (j < to && b[j] != d) {
          j++;
        }
        add(i, j);
        if (j == to) {
          return;
        }
        i = j + 1;
      }
    }
  }

  /** Adds a field {@code buf[from, to)}. */
  void add(int from, int to) {
    if (count == starts.length) {
      starts = Arrays.copyOf(starts, count * 2);
      ends = Arrays.copyOf(ends, count * 2);
    }
    starts[count] = from;
    ends[count] = to;
    count++;
  }

  private void check(int field) {
    if (field < 0 || field >= count) {
      throw new MalformedRecordException(
          "no field " + field + " (the record has " + count + " fields)");
    }
  }

  @Override
  public int fieldCount() {
    return count;
  }

  @Override
  public int length(int field) {
    check(field);
    return ends[field] - starts[field];
  }

  @Override
  public byte byteAt(int field, int index) {
    check(field);
    int len = ends[field] - starts[field];
    if (index < 0 || index >= len) {
      throw new IndexOutOfBoundsException("byte " + index + " of a field of " + len);
    }
    return buf[starts[field] + index];
  }

  @Override
  public String string(int field) {
    check(field);
    return new String(buf, starts[field], ends[field] - starts[field], StandardCharsets.UTF_8);
  }

  @Override
  public String key(int field) {
    check(field);
    if (keys == null) {
      keys = new KeyTable<>();
    }
    return keys.entry(buf, starts[field], ends[field]).key();
  }

  /** Adds a number to the stats of the key in a field. */
  void addTo(StatsTable table, int field, double value) {
    check(field);
    table.add(buf, starts[field], ends[field], value);
  }

  /** The group-by table entry for a field. */
  <V> KeyTable.Entry<V> entry(KeyTable<V> table, int field) {
    check(field);
    return table.entry(buf, starts[field], ends[field]);
  }

  @Override
  public boolean fieldEquals(int field, String text) {
    check(field);
    int s = starts[field];
    int len = ends[field] - s;
    if (len == text.length()) {
      boolean ascii = true;
      for (int k = 0; k < len; k++) {
        char c = text.charAt(k);
        if (c >= 0x80) {
          ascii = false;
          break;
        }
        if (buf[s + k] != c) {
          return false;
        }
      }
      if (ascii) {
        return true;
      }
    }
    byte[] t = text.getBytes(StandardCharsets.UTF_8);
    return Arrays.equals(buf, s, ends[field], t, 0, t.length);
  }

  @Override
  public long parseLong(int field) {
    check(field);
    return Numbers.parseLong(buf, starts[field], ends[field]);
  }

  @Override
  public double parseDouble(int field) {
    check(field);
    return Numbers.parseDouble(buf, starts[field], ends[field]);
  }

  @Override
  public String file() {
    return file;
  }

  @Override
  public long offset() {
    return offset;
  }
}
