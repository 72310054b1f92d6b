package dev.weft.io.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** KeyTable against a HashMap, with keys built to share prefixes, suffixes and word contents. */
class KeyTableTest {
  @Test
  void findsTheSameEntryForEqualBytesWhereverTheyLie() {
    Random rnd = new Random(7);
    KeyTable<Integer> table = new KeyTable<>();
    Map<String, KeyTable.Entry<Integer>> seen = new HashMap<>();
    for (int n = 0; n < 50_000; n++) {
      int len = rnd.nextInt(41);
      byte[] key = new byte[len];
      for (int i = 0; i < len; i++) {
        key[i] = (byte) "ab\u00e4".getBytes(StandardCharsets.ISO_8859_1)[rnd.nextInt(3)];
      }
      // Place it at the start, the middle or the very end of an array with junk around it.
      int before = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(20);
      int after = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(20);
      byte[] array = new byte[before + len + after];
      rnd.nextBytes(array);
      System.arraycopy(key, 0, array, before, len);
      KeyTable.Entry<Integer> e = table.entry(array, before, before + len);
      String k = new String(key, StandardCharsets.ISO_8859_1);
      KeyTable.Entry<Integer> expected = seen.putIfAbsent(k, e);
      if (expected != null) {
        assertThat(e).as("key %s", Arrays.toString(key)).isSameAs(expected);
      } else {
        assertThat(e.value).isNull();
        e.value = len;
      }
    }
    Set<Integer> lengths = new HashSet<>();
    table.forEach((key, v) -> lengths.add(v));
    assertThat(seen).hasSizeGreaterThan(1000);
    assertThat(lengths).hasSize(41);
    int[] count = {0};
    table.forEach((key, v) -> count[0]++);
    assertThat(count[0]).isEqualTo(seen.size());
  }

  @Test
  void keysEqualInTheirFirstAndLastWordsDifferInTheMiddle() {
    KeyTable<String> table = new KeyTable<>();
    List<String> keys =
        List.of("abcdefgh-1-ijklmnop", "abcdefgh-2-ijklmnop", "abcdefgh", "abcdefg", "", "a");
    for (String k : keys) {
      byte[] b = k.getBytes(StandardCharsets.UTF_8);
      table.entry(b, 0, b.length).value = k;
    }
    for (String k : keys) {
      byte[] b = ("xx" + k).getBytes(StandardCharsets.UTF_8);
      KeyTable.Entry<String> e = table.entry(b, 2, b.length);
      assertThat(e.value).isEqualTo(k);
      assertThat(e.key()).isEqualTo(k);
    }
  }
}
