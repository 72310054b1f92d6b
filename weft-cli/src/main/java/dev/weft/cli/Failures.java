package dev.weft.cli;

import dev.weft.io.BadRecord;
import dev.weft.io.MalformedRecordException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One-line explanations of the failures a command meets on bad input, for a user who has not read
 * the code: the JDK's {@link IOException}s often carry only a path as their message ("cannot write
 * x: x"), which says neither what was wrong nor what to do.
 */
final class Failures {
  private static final Pattern NO_FIELD =
      Pattern.compile("no field (\\d+) \\(the record has (\\d+) fields?\\)");

  private Failures() {}

  /**
   * Why an I/O operation failed, without the path (the caller names the file and the operation).
   *
   * @param e the failure
   * @return a short reason, such as "no such file or directory" or "disk full"
   */
  static String reason(IOException e) {
    return switch (e) {
      case NoSuchFileException x -> "no such file or directory";
      case AccessDeniedException x -> "permission denied";
      case FileAlreadyExistsException x -> "it already exists";
      case NotDirectoryException x -> "not a directory";
      case DirectoryNotEmptyException x -> "the directory is not empty";
      case CharacterCodingException x -> "not UTF-8 text";
      case FileSystemException x when x.getReason() != null -> osReason(x.getReason());
      default -> e.getMessage() == null ? Text.escape(e.toString()) : osReason(e.getMessage());
    };
  }

  /** The operating system's reason, with the one a user most needs to recognise spelt out. */
  private static String osReason(String reason) {
    String lower = reason.toLowerCase(Locale.ROOT);
    if (lower.contains("no space left")) {
      return "disk full (no space left on device)";
    }
    if (lower.contains("is a directory")) {
      return "is a directory";
    }
    return Text.escape(lower);
  }

  /**
   * A one-line description of a failure that a command did not explain itself: the I/O errors and
   * malformed input that reach the top level.
   *
   * @param e what was thrown
   * @return the description, or null if it is not a failure of the input but a bug
   */
  static String describe(Throwable e) {
    return switch (e) {
      case CommandFailedException x -> x.getMessage();
      case UncheckedIOException x -> describe(x.getCause());
      case FileSystemException x when x.getFile() != null ->
          Text.escape(x.getFile()) + ": " + reason(x);
      case IOException x -> reason(x);
      case MalformedRecordException x -> malformed(x, null, 0, null, 0);
      case OutOfMemoryError x ->
          String.format(
              Locale.ROOT,
              "out of memory (max heap %,d MB): give the JVM more"
                  + " (WEFT_JAVA_OPTS=-Xmx... with ./weft) or the command less to hold",
              Runtime.getRuntime().maxMemory() / 1_000_000);
      default -> null;
    };
  }

  /**
   * A malformed record as one line: where it is, why, and a short excerpt of it with control
   * characters escaped; a missing field is named by the option that asked for it, counted from 1 as
   * the options count.
   *
   * @param e the failure
   * @param keyOption the option that names the key column, such as "--key", or null
   * @param key its value, from 1
   * @param valueOption the option that names the value column, or null
   * @param value its value, from 1
   * @return the description
   */
  static String malformed(
      MalformedRecordException e, String keyOption, int key, String valueOption, int value) {
    BadRecord r = e.badRecord();
    String reason = reason(e.reason(), keyOption, key, valueOption, value);
    if (r == null) {
      return reason;
    }
    return describe(r, reason);
  }

  /**
   * A bad record as one line, its reason given.
   *
   * @param r the record
   * @param reason why it is bad, already in the user's terms
   * @return {@code file:line (byte offset): reason: excerpt}
   */
  static String describe(BadRecord r, String reason) {
    String where =
        Text.escape(r.file()) + (r.line() > 0 ? ":" + r.line() : "") + " (byte " + r.offset() + ")";
    return where
        + ": "
        + reason
        + (r.text().isEmpty() ? "" : ": " + Text.excerpt(r.text(), Text.EXCERPT));
  }

  /**
   * weft-io's reason for a bad record, in the command's terms: weft-io counts fields from 0, the
   * options from 1.
   */
  static String reason(String reason, String keyOption, int key, String valueOption, int value) {
    Matcher m = NO_FIELD.matcher(reason);
    if (m.matches()) {
      int column = Integer.parseInt(m.group(1)) + 1;
      String count = m.group(2);
      String option =
          keyOption != null && column == key
              ? keyOption + " " + key
              : valueOption != null && column == value ? valueOption + " " + value : null;
      return "the record has "
          + count
          + (count.equals("1") ? " column" : " columns")
          + ", so no column "
          + column
          + (option == null ? "" : " for " + option)
          + " (columns count from 1)";
    }
    return Text.excerpt(reason, 2 * Text.EXCERPT);
  }
}
