// Building elements from data without innerHTML, so names typed by users never become markup.

/**
 * h("button", {class: "main", onclick: fn}, "受理"): an element with attributes and children.
 * Attributes named on* become listeners; true/false/null toggle boolean attributes;
 * value and checked are set as properties; children may be strings, nodes, arrays or null.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (name === "value" || name === "checked") {
      element[name] = value;
    } else if (value === true) {
      element.setAttribute(name, "");
    } else if (value !== false && value !== null && value !== undefined) {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

/** Append children (strings, nodes, nested arrays; null and false are skipped). */
export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
  return parent;
}

/** Replace everything inside parent with children. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}
