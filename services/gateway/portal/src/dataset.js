// A draft's dataset: a JSONL or CSV manifest sent as a resumable upload (8 MB chunks with their offset), then checked
// row by row on the server. onStatus hears the bytes sent (fraction), then the rows checked.
import { api, upload } from "./api.js";

const CHUNK = 8 * 1024 * 1024;

export async function uploadDataset(orderId, file, { onSent = () => {}, onChecked = () => {} } = {}) {
  const format = /\.csv$/i.test(file.name) ? "csv" : "jsonl";
  const base = `/api/orders/orders/${orderId}/uploads`;
  const started = await api(base, { method: "POST", body: { format, expectedBytes: file.size } });
  for (let offset = 0; offset < file.size; offset += CHUNK) {
    const part = file.slice(offset, Math.min(file.size, offset + CHUNK));
    await upload(`${base}/${started.id}`, part, v => onSent((offset + v * part.size) / file.size), { "Upload-Offset": String(offset) });
  }
  onSent(1);
  await api(`${base}/${started.id}/complete`, { method: "POST" });
  let view = await api(`${base}/${started.id}`);
  while (!["imported", "rejected"].includes(view.status)) {
    onChecked(view.rowsChecked);
    await new Promise(r => setTimeout(r, 1000));
    view = await api(`${base}/${started.id}`);
  }
  return view;
}
