/**
 * The few XML helpers the JUnit reporter needs. Everything a scenario produces (client logs,
 * journal reasons, error messages) is arbitrary text, so every value goes through `xmlText` or
 * `xmlAttribute`; CDATA is not used, since a `]]>` inside it would end the section early.
 */

// ANSI escape sequences (colours in a client's log): noise in a CI report, and ESC is not XML.
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

// XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// Anything else (other control characters, lone surrogates) makes the document malformed.
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** `text` without ANSI colours, with characters XML cannot carry replaced by U+FFFD. */
export function xmlSafe(text: string): string {
  return text.replace(ANSI, '').replace(NOT_XML_CHAR, '\uFFFD');
}

/** Character data: `&`, `<` and `>` escaped (`>` too, so `]]>` can never appear). */
export function xmlText(text: string): string {
  return xmlSafe(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/**
 * An attribute value for double quotes. Tabs and line breaks become character references:
 * XML 1.0 §3.3.3 has parsers turn literal ones into spaces, which would flatten a message.
 */
export function xmlAttribute(text: string): string {
  return xmlText(text).replaceAll('"', '&quot;').replaceAll('\t', '&#9;').replaceAll('\n', '&#10;').replaceAll('\r', '&#13;');
}

/** ` name="value"` for each attribute that has a value, in the order given. */
export function xmlAttributes(attributes: Record<string, string | number | undefined>): string {
  return Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${xmlAttribute(String(value))}"`)
    .join('');
}
