package io.github.raftboot.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A minimal JSON reader, enough for the answers of {@code /actuator/raft}: objects become
 * {@link Map}s, arrays {@link List}s, numbers {@link Double}s.
 */
final class Json {

	private final String text;

	private int position;

	private Json(String text) {
		this.text = text;
	}

	/**
	 * Parses one JSON value.
	 * @param text the JSON text
	 * @return the value: a map, a list, a string, a double, a boolean or {@code null}
	 * @throws IllegalArgumentException if the text is not valid JSON
	 */
	static @Nullable Object parse(String text) {
		Json json = new Json(text);
		Object value = json.value();
		json.skipWhitespace();
		if (json.position != text.length()) {
			throw json.error("trailing characters");
		}
		return value;
	}

	/**
	 * Parses a JSON object.
	 * @param text the JSON text
	 * @return the object's members
	 * @throws IllegalArgumentException if the text is not a JSON object
	 */
	@SuppressWarnings("unchecked")
	static Map<String, @Nullable Object> parseObject(String text) {
		Object value = parse(text);
		if (!(value instanceof Map)) {
			throw new IllegalArgumentException("Not a JSON object: " + abbreviate(text));
		}
		return (Map<String, @Nullable Object>) value;
	}

	private @Nullable Object value() {
		skipWhitespace();
		if (this.position >= this.text.length()) {
			throw error("unexpected end");
		}
		char c = this.text.charAt(this.position);
		switch (c) {
			case '{':
				return object();
			case '[':
				return array();
			case '"':
				return string();
			case 't':
				return literal("true", Boolean.TRUE);
			case 'f':
				return literal("false", Boolean.FALSE);
			case 'n':
				return literal("null", null);
			default:
				return number();
		}
	}

	private Map<String, @Nullable Object> object() {
		Map<String, @Nullable Object> members = new LinkedHashMap<>();
		this.position++;
		skipWhitespace();
		if (peek() == '}') {
			this.position++;
			return members;
		}
		while (true) {
			skipWhitespace();
			String name = string();
			skipWhitespace();
			expect(':');
			members.put(name, value());
			skipWhitespace();
			char c = next();
			if (c == '}') {
				return members;
			}
			if (c != ',') {
				throw error("expected ',' or '}'");
			}
		}
	}

	private List<@Nullable Object> array() {
		List<@Nullable Object> elements = new ArrayList<>();
		this.position++;
		skipWhitespace();
		if (peek() == ']') {
			this.position++;
			return elements;
		}
		while (true) {
			elements.add(value());
			skipWhitespace();
			char c = next();
			if (c == ']') {
				return elements;
			}
			if (c != ',') {
				throw error("expected ',' or ']'");
			}
		}
	}

	private String string() {
		expect('"');
		StringBuilder result = new StringBuilder();
		while (true) {
			char c = next();
			if (c == '"') {
				return result.toString();
			}
			if (c != '\\') {
				result.append(c);
				continue;
			}
			char escaped = next();
			switch (escaped) {
				case 'b' -> result.append('\b');
				case 'f' -> result.append('\f');
				case 'n' -> result.append('\n');
				case 'r' -> result.append('\r');
				case 't' -> result.append('\t');
				case 'u' -> {
					if (this.position + 4 > this.text.length()) {
						throw error("truncated \\u escape");
					}
					result.append((char) Integer.parseInt(this.text.substring(this.position, this.position + 4), 16));
					this.position += 4;
				}
				default -> result.append(escaped);
			}
		}
	}

	private Double number() {
		int start = this.position;
		while (this.position < this.text.length() && "+-0123456789.eE".indexOf(this.text.charAt(this.position)) >= 0) {
			this.position++;
		}
		if (start == this.position) {
			throw error("unexpected character");
		}
		try {
			return Double.valueOf(this.text.substring(start, this.position));
		}
		catch (NumberFormatException ex) {
			throw error("invalid number");
		}
	}

	private @Nullable Object literal(String word, @Nullable Object value) {
		if (!this.text.startsWith(word, this.position)) {
			throw error("unexpected literal");
		}
		this.position += word.length();
		return value;
	}

	private void expect(char expected) {
		if (next() != expected) {
			throw error("expected '" + expected + "'");
		}
	}

	private char peek() {
		if (this.position >= this.text.length()) {
			throw error("unexpected end");
		}
		return this.text.charAt(this.position);
	}

	private char next() {
		char c = peek();
		this.position++;
		return c;
	}

	private void skipWhitespace() {
		while (this.position < this.text.length() && Character.isWhitespace(this.text.charAt(this.position))) {
			this.position++;
		}
	}

	private IllegalArgumentException error(String problem) {
		return new IllegalArgumentException("Invalid JSON (" + problem + " at " + this.position + "): " + abbreviate(this.text));
	}

	private static String abbreviate(String text) {
		return (text.length() > 200) ? text.substring(0, 200) + "…" : text;
	}

}
