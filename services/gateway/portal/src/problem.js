// A form's problem state: ProblemDetails errors shown next to the fields they name (FormField), the rest and the
// detail in the form's summary (FormError). Field names match case-insensitively, items[0].content matches
// items.0.content, and a field also takes the errors of its sub-fields (labels takes labels[2]).
import { reactive, provide, inject, nextTick } from "vue";

const KEY = Symbol("problem");

export function normal(name) { return String(name).toLowerCase().replace(/\[(\d+)\]/g, ".$1"); }

function owner(names, field) {
  const wanted = normal(field);
  for (const n of names) if (normal(n) === wanted) return n;
  for (const n of names) if (wanted.startsWith(normal(n) + ".")) return n;
  return null;
}

export function useProblem() {
  const state = reactive({ message: "", errors: {}, names: [], root: null });
  provide(KEY, state);
  return {
    state,
    clear() { state.message = ""; state.errors = {}; },
    /** Shows an ApiError (or { message, fieldErrors }) and focuses the first named field, or the summary. */
    show(error) {
      const byField = {};
      const leftover = [];
      const fieldErrors = error.fieldErrors || {};
      for (const [field, messages] of Object.entries(fieldErrors)) {
        const text = [].concat(messages).join(" ");
        const name = owner(state.names, field);
        if (name) byField[name] = byField[name] ? `${byField[name]} ${text}` : text;
        else leftover.push(`${field}: ${text}`);
      }
      const hasFields = Object.keys(fieldErrors).length > 0;
      state.errors = byField;
      state.message = [hasFields && leftover.length === 0 ? "" : error.message, ...leftover].filter(Boolean).join("\n");
      nextTick(() => {
        const root = state.root;
        const first = root?.querySelector("[aria-invalid='true']") || root?.querySelector(".form-error");
        first?.focus?.();
      });
    },
    /** Client-side checks use the same display. */
    local(errors) { state.message = ""; state.errors = errors; },
  };
}

export function useFieldProblem() { return inject(KEY, null); }
