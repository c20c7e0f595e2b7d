// Small launch catalogues for the simulator's unit tests, shaped as `GET /launches` returns them.
import { catalogFromLaunch } from './catalog.js';
function launch(id, model, depositFen, trims) {
    return catalogFromLaunch({
        launch_id: id, model_id: model, deposit_fen: depositFen, locks_on_payment: false,
        per_account_limit: 2, opens_at: '2025-06-26T14:00:00.000Z',
        trims: trims.map(([trim, price]) => ({ trim, price_fen: price })),
        options: [
            { option_id: 'colour-white', group: 'colour', price_fen: 0, default: true },
            { option_id: 'colour-green', group: 'colour', price_fen: 200000, default: false },
            { option_id: 'wheels-19', group: 'wheels', price_fen: 0, default: true },
            { option_id: 'wheels-21', group: 'wheels', price_fen: 1200000, default: false },
            { option_id: 'extras-fridge', group: 'extras', price_fen: 300000, default: false },
        ],
        cities: ['beijing', 'shanghai', 'shenzhen'].map((city_id) => ({ city_id })),
    });
}
export const YU7 = launch('yu7-2025', 'yu7', 500000, [['standard', 25350000], ['pro', 27990000], ['max', 32990000]]);
export const SU7 = launch('su7-2024', 'su7', 500000, [['standard', 21590000], ['max', 29990000]]);
export const ULTRA = launch('su7-ultra-2025', 'su7-ultra', 2000000, [['ultra', 52990000]]);
//# sourceMappingURL=test-catalogs.js.map