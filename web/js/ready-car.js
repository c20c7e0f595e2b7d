// How a ready-stock car is named to a buyer, the same on the ready-stock page and in My orders:
// its trim and options by name in the page's language ("Max · Emerald green"), and the city of
// the delivery centre it waits at. A launch not given (or an id it does not name) leaves the id.
import { localName, t } from './i18n.js';
import { h, yuan } from './format.js';
import { PRICEBOOKS_STRINGS } from './pricebooks-strings.js';
import { STRINGS } from './strings.js';

Object.assign(STRINGS, PRICEBOOKS_STRINGS);

/**
 * `c`'s trim and options by name: `c` is a car (GET /ready-stock) or a sale's `car` (its
 * trim, option ids and city id); `launch` is its launch as GET /launches gives it, or undefined.
 */
export function readyCarName(launch, c) {
  return [localName(launch?.trims.find((x) => x.trim === c.trim)) || c.trim.toUpperCase(),
    ...c.options.map((id) => localName(launch?.options.find((o) => o.option_id === id)) || id)]
    .join(' · ');
}

/** The city `c` is collected in, by name; its id if `launch` does not name it. */
export const readyCityName = (launch, c) =>
  localName(launch?.cities.find((x) => x.city_id === c.city)) || c.city;

/**
 * A sale's heading line (GET /ready-stock/mine), on the ready-stock page and in My orders: its
 * car by name (a trim's name names its model: "YU7 Standard"), where it is collected, its VIN
 * and price. A sale whose car is not on record (`car` null) is named by its launch.
 */
export function readySaleLine(launch, s) {
  const name = s.car ? readyCarName(launch, s.car) : localName(launch) || s.launch_id;
  return h('p', { class: 'sale-car' }, h('strong', {}, name),
    s.car ? ` · ${t('ready_city', { c: readyCityName(launch, s.car) })}` : '',
    ` · VIN ${s.vin} · ${yuan(s.price_fen)}`);
}
