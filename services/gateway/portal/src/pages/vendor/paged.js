// A server-paged list: the query (page, pageSize and filters), the page answered ({items, total, page, pageSize}) and
// load(page). `params` turns the query into what the API takes (e.g. a percentage into a fraction).
import { reactive, ref } from "vue";
import { api, toastError } from "../../api.js";
import { query } from "../bidding/options.js";

export function usePaged(path, filters = {}, params = q => q) {
  const q = reactive({ page: 1, pageSize: 20, ...filters });
  const result = ref({ items: [], total: 0 });
  async function load(page = q.page) {
    q.page = page;
    try { result.value = await api(`${path}?${query(params({ ...q }))}`); } catch (e) { toastError(e); }
  }
  return { q, result, load };
}
