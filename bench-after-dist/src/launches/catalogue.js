const yuan = (n) => n * 100;
const FIRST_29 = [
    ['beijing', 'Beijing', '北京'], ['shanghai', 'Shanghai', '上海'],
    ['guangzhou', 'Guangzhou', '广州'], ['shenzhen', 'Shenzhen', '深圳'],
    ['hangzhou', 'Hangzhou', '杭州'], ['chengdu', 'Chengdu', '成都'], ['wuhan', 'Wuhan', '武汉'],
    ['nanjing', 'Nanjing', '南京'], ['xian', "Xi'an", '西安'], ['chongqing', 'Chongqing', '重庆'],
    ['tianjin', 'Tianjin', '天津'], ['suzhou', 'Suzhou', '苏州'],
    ['zhengzhou', 'Zhengzhou', '郑州'], ['changsha', 'Changsha', '长沙'],
    ['hefei', 'Hefei', '合肥'], ['qingdao', 'Qingdao', '青岛'], ['shenyang', 'Shenyang', '沈阳'],
    ['xiamen', 'Xiamen', '厦门'], ['fuzhou', 'Fuzhou', '福州'], ['foshan', 'Foshan', '佛山'],
    ['dongguan', 'Dongguan', '东莞'], ['wenzhou', 'Wenzhou', '温州'], ['ningbo', 'Ningbo', '宁波'],
    ['kunming', 'Kunming', '昆明'], ['shijiazhuang', 'Shijiazhuang', '石家庄'],
    ['harbin', 'Harbin', '哈尔滨'], ['dalian', 'Dalian', '大连'], ['taiyuan', 'Taiyuan', '太原'],
    ['wuxi', 'Wuxi', '无锡'],
];
/** Announced days after the SU7 opening ("40 by the end of the year"). */
const NEXT_10 = [
    ['jinan', 'Jinan', '济南'], ['changzhou', 'Changzhou', '常州'], ['nantong', 'Nantong', '南通'],
    ['jinhua', 'Jinhua', '金华'], ['nanning', 'Nanning', '南宁'],
    ['changchun', 'Changchun', '长春'], ['guiyang', 'Guiyang', '贵阳'], ['zhuhai', 'Zhuhai', '珠海'],
    ['quanzhou', 'Quanzhou', '泉州'], ['xiantao', 'Xiantao', '仙桃'],
];
/** YU7 deliveries began in 58 cities. */
const YU7_19 = [
    ['lanzhou', 'Lanzhou', '兰州'], ['urumqi', 'Urumqi', '乌鲁木齐'], ['hohhot', 'Hohhot', '呼和浩特'],
    ['yinchuan', 'Yinchuan', '银川'], ['xining', 'Xining', '西宁'], ['haikou', 'Haikou', '海口'],
    ['sanya', 'Sanya', '三亚'], ['nanchang', 'Nanchang', '南昌'], ['tangshan', 'Tangshan', '唐山'],
    ['baoding', 'Baoding', '保定'], ['luoyang', 'Luoyang', '洛阳'], ['xuzhou', 'Xuzhou', '徐州'],
    ['yangzhou', 'Yangzhou', '扬州'], ['shaoxing', 'Shaoxing', '绍兴'], ['taizhou', 'Taizhou', '台州'],
    ['huizhou', 'Huizhou', '惠州'], ['zhongshan', 'Zhongshan', '中山'], ['yantai', 'Yantai', '烟台'],
    ['weifang', 'Weifang', '潍坊'],
];
function cities(rows, openedOn) {
    return rows.map(([cityId, name, nameZh]) => ({ cityId, name, nameZh, openedOn }));
}
const SU7_CITIES = [...cities(FIRST_29, '2024-03-28'), ...cities(NEXT_10, '2024-04-20')];
const YU7_CITIES = [...SU7_CITIES, ...cities(YU7_19, '2025-06-26')];
function option(optionId, group, name, nameZh, priceYuan = 0, isDefault = false) {
    return { optionId, group, name, nameZh, priceFen: yuan(priceYuan), isDefault };
}
function trim(t, name, nameZh, priceYuan, capacityPerWeek, leadWeeks) {
    return { trim: t, name, nameZh, priceFen: yuan(priceYuan), capacityPerWeek, leadWeeks };
}
const SU7_OPTIONS = [
    option('colour-aqua-blue', 'colour', 'Aqua Blue', '海湾蓝', 0, true),
    option('colour-mineral-grey', 'colour', 'Mineral Grey', '矿石灰'),
    option('colour-verdant-green', 'colour', 'Verdant Green', '橄榄绿'),
    option('colour-pearl-white', 'colour', 'Pearl White', '珍珠白'),
    option('colour-diamond-black', 'colour', 'Diamond Black', '钻石黑'),
    option('colour-lava-orange', 'colour', 'Lava Orange', '熔岩橙', 2000),
    option('colour-twilight-purple', 'colour', 'Twilight Purple', '霞光紫', 2000),
    option('wheels-19', 'wheels', '19-inch aero wheels', '19英寸风阻轮毂', 0, true),
    option('wheels-20', 'wheels', '20-inch forged wheels', '20英寸锻造轮毂', 4000),
    option('extras-red-calipers', 'extras', 'Red Brembo calipers', '红色卡钳', 3000),
    option('extras-tow-hitch', 'extras', 'Tow hitch', '拖车钩', 2000),
];
const ULTRA_OPTIONS = [
    option('colour-ultra-yellow', 'colour', 'Ultra Yellow', '璀璨洋红', 0, true),
    option('colour-titanium-black', 'colour', 'Titanium Black', '钛金属黑'),
    option('colour-pearl-white', 'colour', 'Pearl White', '珍珠白'),
    option('wheels-21-forged', 'wheels', '21-inch forged wheels', '21英寸锻造轮毂', 0, true),
    option('wheels-21-magnesium', 'wheels', '21-inch magnesium wheels', '21英寸镁合金轮毂', 46000),
    option('extras-carbon-aero', 'extras', 'Carbon fibre aero kit', '碳纤维空气动力套件', 42000),
];
const YU7_OPTIONS = [
    option('colour-pearl-white', 'colour', 'Pearl White', '珍珠白', 0, true),
    option('colour-emerald-green', 'colour', 'Emerald Green', '翡翠绿'),
    option('colour-obsidian-black', 'colour', 'Obsidian Black', '曜石黑'),
    option('colour-lava-orange', 'colour', 'Lava Orange', '熔岩橙'),
    option('colour-titanium', 'colour', 'Titanium', '钛金属色', 8000),
    option('colour-cosmic-purple', 'colour', 'Cosmic Purple', '星空紫', 2000),
    option('wheels-19', 'wheels', '19-inch wheels', '19英寸轮毂', 0, true),
    option('wheels-20', 'wheels', '20-inch wheels', '20英寸轮毂', 6000),
    option('wheels-21', 'wheels', '21-inch forged wheels', '21英寸锻造轮毂', 12000),
    option('extras-tow-hitch', 'extras', 'Tow hitch', '拖车钩', 2000),
    option('extras-fridge', 'extras', 'Car fridge', '车载冰箱', 3000),
];
const SU7_TRIMS = [
    trim('standard', 'SU7 Standard', 'SU7 标准版', 215900, 1000, 3),
    trim('pro', 'SU7 Pro', 'SU7 Pro', 245900, 600, 3),
    trim('max', 'SU7 Max', 'SU7 Max', 299900, 900, 3),
];
// Capacities chosen so that 240,000 locked orders with the reported trim mix give the published
// estimates: Standard 57-60 weeks, Pro 50-53, Max 37-40.
const YU7_TRIMS = [
    trim('standard', 'YU7 Standard', 'YU7 标准版', 253500, 1100, 3),
    trim('pro', 'YU7 Pro', 'YU7 Pro', 279900, 1520, 3),
    trim('max', 'YU7 Max', 'YU7 Max', 329900, 3100, 3),
];
export const DEMO_LAUNCH_ID = 'yu7-demo';
/** The launches seeded on first start; the demonstration opens `demoOpensAtMs`. */
export function seedLaunches(demoOpensAtMs) {
    const base = { coolingOffHours: 168, perAccountLimit: 2, locksOnPayment: false };
    const yu7 = {
        ...base, modelId: 'yu7', name: 'Xiaomi YU7', nameZh: '小米YU7', depositFen: yuan(5000),
        trims: YU7_TRIMS, options: YU7_OPTIONS, cities: YU7_CITIES,
    };
    return [
        {
            ...base, launchId: 'su7-2024', modelId: 'su7', name: 'Xiaomi SU7', nameZh: '小米SU7',
            opensAtMs: Date.parse('2024-03-28T14:00:00Z'), depositFen: yuan(5000),
            trims: SU7_TRIMS, options: SU7_OPTIONS, cities: SU7_CITIES,
        },
        {
            ...base, launchId: 'su7-ultra-2025', modelId: 'su7-ultra', name: 'Xiaomi SU7 Ultra',
            nameZh: '小米SU7 Ultra', opensAtMs: Date.parse('2025-02-27T14:00:00Z'),
            depositFen: yuan(20000), trims: [trim('ultra', 'SU7 Ultra', 'SU7 Ultra', 529900, 200, 4)],
            options: ULTRA_OPTIONS, cities: SU7_CITIES,
        },
        { ...yu7, launchId: 'yu7-2025', opensAtMs: Date.parse('2025-06-26T14:00:00Z') },
        { ...yu7, launchId: DEMO_LAUNCH_ID, name: 'Xiaomi YU7 (demonstration)',
            nameZh: '小米YU7（演示）', opensAtMs: demoOpensAtMs },
    ];
}
/**
 * The reported model switch: locked, undelivered SU7 and SU7 Ultra orders could move to YU7,
 * deposit carried over, from 22:00 on 26 June to 24:00 on 29 June 2025 (UTC+8). A switch is a
 * new configuration, so the window allows the trim and options to change with the model.
 */
export function seedChangeWindows() {
    return ['su7-2024', 'su7-ultra-2025'].map((from) => ({
        windowId: `win_${from}-to-yu7`, fromLaunchId: from, toLaunchId: 'yu7-2025',
        opensAtMs: Date.parse('2025-06-26T14:00:00Z'), closesAtMs: Date.parse('2025-06-29T16:00:00Z'),
        allows: ['model', 'trim', 'colour', 'wheels', 'extras'], closedAtMs: null,
        createdBy: 'seed', createdAtMs: Date.parse('2025-06-26T14:00:00Z'),
    }));
}
//# sourceMappingURL=catalogue.js.map