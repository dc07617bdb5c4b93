// What each side gets of a contract's price under a dispute's outcome, exact (counted in 0.0001 yuan, as the ledger
// holds money): release pays the vendor as if accepted (the late penalty goes back to the enterprise), partial pays the
// vendor side the amount (a percent of the price rounded half away from zero to the fen, as orders rounds it) and
// refunds the rest, refund pays the vendor side nothing. The vendor's side is before the platform fee.
const units = x => BigInt(Math.round(Number(x || 0) * 10000));
const yuan = u => Number(u) / 10000;

/** A percent of the price in yuan, rounded half away from zero to the fen; null when the percent is not a number. */
export function percentOf(price, percent) {
  const text = String(percent ?? "").trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return null;
  const [whole, part = ""] = text.split(".");
  const scaled = BigInt(whole + part);
  const denominator = 100n * 10n ** BigInt(part.length) * 100n; // percent, its decimals, 0.0001 yuan → fen
  const fen = (2n * units(price) * scaled + denominator) / (2n * denominator);
  return Number(fen) / 100;
}

/** { vendor, enterprise } in yuan for an outcome; vendorAmount for partial, penalty (what a late delivery owes) for release. */
export function sides(outcome, price, { vendorAmount = 0, penalty = 0 } = {}) {
  const whole = units(price);
  const vendor = outcome === "release" ? whole - units(penalty) : outcome === "partial" ? units(vendorAmount) : 0n;
  return { vendor: yuan(vendor), enterprise: yuan(whole - vendor) };
}
