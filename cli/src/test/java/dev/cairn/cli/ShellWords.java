package dev.cairn.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a documented command line into words as a POSIX shell would, for the quoting the docs use:
 * single quotes, double quotes (with backslash escapes), backslashes, and {@code |} as a word of
 * its own. No expansion of any kind.
 */
final class ShellWords {

  private ShellWords() {}

  static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      switch (c) {
        case ' ', '\t' -> {
          if (inWord) {
            words.add(word.toString());
            word.setLength(0);
            inWord = false;
          }
        }
        case '|' -> {
          if (inWord) {
            words.add(word.toString());
            word.setLength(0);
            inWord = false;
          }
          words.add("|");
        }
        case '\'' -> {
          int end = line.indexOf('\'', i + 1);
          if (end < 0) {
            throw new IllegalArgumentException("unterminated ' in: " + line);
          }
          word.append(line, i + 1, end);
          i = end;
          inWord = true;
        }
        case '"' -> {
          int j = i + 1;
          for (; j < line.length() && line.charAt(j) != '"'; j++) {
            if (line.charAt(j) == '\\' && j + 1 < line.length()) {
              j++;
            }
            word.append(line.charAt(j));
          }
          if (j >= line.length()) {
            throw new IllegalArgumentException("unterminated \" in: " + line);
          }
          i = j;
          inWord = true;
        }
        case '\\' -> {
          if (i + 1 < line.length()) {
            word.append(line.charAt(++i));
          }
          inWord = true;
        }
        default -> {
          word.append(c);
          inWord = true;
        }
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
