// Valid buyer identities for the simulated crowd: mainland mobile numbers and resident identity
// numbers with a correct ISO 7064 MOD 11-2 check character. Both are bijections of the buyer's
// index, so no two simulated buyers share a phone or an identity number.
import { idCheckCharacter, validateIdNumber } from '../src/accounts/identity.js';
/** Real county-level region codes, one per large city, so the numbers look like real ones. */
const REGIONS = [
    '110101', '110105', '310101', '310115', '440106', '440305', '330106', '510107', '420106',
    '320102', '610113', '500103', '120101', '320505', '410105', '430104', '340104', '370202',
    '210102', '350203', '350102', '440604', '441900', '330302', '330203', '530102', '130102',
    '230102', '210202', '140105', '320214',
];
export { idCheckCharacter };
/** Valid by the server's own rule: region, birth date and check character. */
export function isValidIdNumber(id) {
    return validateIdNumber(id, Date.now()).ok;
}
// Birth dates from 1965-01-01 over 14,600 days (about 40 years), so every buyer is an adult.
const BIRTH_FIRST_MS = Date.UTC(1965, 0, 1);
const BIRTH_DAYS = 14_600;
const SEQUENCES = 1000;
const ID_SPACE = BIRTH_DAYS * SEQUENCES;
// Multiplying by a number coprime with the space spreads consecutive indexes over birth dates
// while keeping the map one-to-one.
const ID_STRIDE = 7_919_993;
/** The identity number of buyer `index` (unique for index < 14.6 million per salt). */
export function identityNumber(index, salt, random) {
    if (!Number.isInteger(index) || index < 0 || index >= ID_SPACE)
        throw new Error('index');
    const n = (((index + salt) % ID_SPACE) * ID_STRIDE) % ID_SPACE;
    const day = Math.floor(n / SEQUENCES);
    const sequence = n % SEQUENCES;
    const birth = new Date(BIRTH_FIRST_MS + day * 86_400_000).toISOString();
    const first17 = random.pick(REGIONS) + birth.slice(0, 4) + birth.slice(5, 7) +
        birth.slice(8, 10) + String(sequence).padStart(3, '0');
    return first17 + idCheckCharacter(first17);
}
const PHONE_SPACE = 7_000_000_000;
const PHONE_STRIDE = 1_000_003;
/** A mainland mobile number, `1[3-9]` and 9 digits, unique for index < 7 billion per salt. */
export function phoneNumber(index, salt) {
    if (!Number.isInteger(index) || index < 0)
        throw new Error('index');
    // BigInt keeps the product exact beyond 2^53.
    const n = Number((BigInt(index + salt) * BigInt(PHONE_STRIDE)) % BigInt(PHONE_SPACE));
    return `1${3 + Math.floor(n / 1e9)}${String(n % 1e9).padStart(9, '0')}`;
}
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰志华建国文辉鹏宇浩然子轩梓涵欣怡';
export function personName(random) {
    const given = random.chance(0.6) ? 2 : 1;
    let name = SURNAMES[random.int(SURNAMES.length)];
    for (let i = 0; i < given; i++)
        name += GIVEN[random.int(GIVEN.length)];
    return name;
}
//# sourceMappingURL=identity-generator.js.map