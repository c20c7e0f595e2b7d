// Text of the waiting-room page only, kept apart so the other buyer pages do not load it.
export const WAITING_STRINGS = {
  wr_title: { zh: '排队室', en: 'Waiting room' },
  wr_sold_out: {
    zh: '已全部售罄，不会再有退回：排队已结束，不会再放行任何人。',
    en: 'Sold out: every unit is sold and none can come back. The queue is over; no one more '
      + 'will be let in.',
  },
  wr_for_launch: { zh: '{name} 发布的排队', en: 'The queue for the {name} launch' },
  wr_for_drop: { zh: '{name} 限量发售的排队', en: 'The queue for the {name} drop' },
  wr_opens: { zh: '开售时间 {t}', en: 'Sales open {t}' },
  wr_opens_in: { zh: '还有', en: 'in' },
  wr_not_yet: {
    zh: '排队将于 {t} 开始，届时本页会自动为您排队。',
    en: 'The queue opens {t}; this page joins it for you then.',
  },
  wr_prequeue: {
    zh: '您已在预排队中。开售时所有预排队的人将被随机排序：提前到达不会占优，也不会吃亏。',
    en: 'You are in the pre-queue. At the opening everyone in it is put in random order: '
      + 'arriving earlier neither helps nor hurts.',
  },
  wr_position: { zh: '您的位置：第 {n} 位', en: 'Your place: {n}' },
  wr_counting: {
    zh: '正在计算您的排队位置，几秒后显示。您已在队伍中，请勿离开本页。',
    en: 'Your place in the line is being counted; it shows here in a few seconds. You are in '
      + 'the line: keep this page open.',
  },
  wr_ahead: { zh: '您前面还有 {n} 人', en: '{n} ahead of you' },
  wr_estimate: { zh: '预计等待约 {m}', en: 'Estimated wait: about {m}' },
  wr_estimate_firm: { zh: '预计最多等待 {m}', en: 'Estimated wait: at most {m}' },
  wr_minutes: { zh: '{n} 分钟', en: '{n} min' },
  wr_seconds: { zh: '{n} 秒', en: '{n} s' },
  wr_certainty_firm: {
    zh: '（按当前放行速度计算，包括下一轮放行的时间；前面有人离开只会更快）',
    en: '(at the current admission rate, counting the next admission round; people ahead who '
      + 'leave only make it shorter)',
  },
  wr_certainty_likely: {
    zh: '（排队较长，仅供参考；前面有人离开只会更快）',
    en: '(a long line: a guide only; people ahead who leave only make it shorter)',
  },
  wr_certainty_uncertain: {
    zh: '（放行速度可能变化，此估计不确定）',
    en: '(the admission rate may change: this estimate is uncertain)',
  },
  wr_certainty_paused: {
    zh: '（排队暂停期间不放行，恢复后才会继续）',
    en: '(nobody is let in while the queue is paused: it goes on once resumed)',
  },
  // The cap on active passes holds admissions (uncertain_because "cap"): no figure counts
  // down then, so none is shown as if it did.
  wr_wait_cap: {
    zh: '正在等待之前放行的人完成购买：同时最多 {cap} 人可以下单，有人完成购买或其凭证到期'
      + '（凭证有效 {pass}）后，才会放行下一位。因此现在无法估计等待时间。',
    en: 'Admissions are waiting for people let in before you to finish: at most {cap} can '
      + 'buy at once, and the next is let in when one of them finishes or their pass runs out '
      + '(passes last {pass}). So no wait can be estimated just now.',
  },
  wr_updated: { zh: '更新于 {t}', en: 'Last updated {t}' },
  wr_next_launch: {
    zh: '接下来：轮到您时，本页会带您进入下单页面，并附上有效期 {m} 的下单凭证。'
      + '刷新或短暂断网（{g}内）不会丢失位置。',
    en: 'What happens next: when it is your turn this page takes you to the order page with a '
      + 'pass valid for {m}. A reload or a short disconnect (up to {g}) keeps your place.',
  },
  wr_next_drop: {
    zh: '接下来：轮到您时，本页会带您进入抢购页面，并附上有效期 {m} 的购买凭证。'
      + '刷新或短暂断网（{g}内）不会丢失位置。',
    en: 'What happens next: when it is your turn this page takes you to the drop\'s page with '
      + 'a pass to buy, valid for {m}. A reload or a short disconnect (up to {g}) keeps your '
      + 'place.',
  },
  wr_suspended: {
    zh: '排队暂停中，您的位置保留不变。',
    en: 'The queue is paused; your place is kept.',
  },
  wr_admitted: { zh: '轮到您了！', en: 'It is your turn!' },
  wr_pass_until: { zh: '凭证有效至 {t}', en: 'Your pass is valid until {t}' },
  wr_go_launch: { zh: '前往下单', en: 'Go and order' },
  wr_go_drop: { zh: '前往购买', en: 'Go and buy' },
  // A poll of a ticket whose turn came (waiting_ticket_expired with `turn`): not a lapse.
  wr_turn_used_launch: {
    zh: '您已被放行，这次机会已用于下单。要再下一单，需要重新排队。',
    en: 'You were let in, and your turn went with an order. Another order needs another turn: '
      + 'join the queue again.',
  },
  wr_turn_used_drop: {
    zh: '您已被放行，这次机会已用于购买。要再买，需要重新排队。',
    en: 'You were let in, and your turn went with a purchase. Another purchase needs another '
      + 'turn: join the queue again.',
  },
  wr_turn_ended: {
    zh: '您已被放行，但凭证在使用前已到期（或被撤销）。如仍想购买，请重新排队。',
    en: 'You were let in, but your pass ran out (or was withdrawn) before it was used. To buy, '
      + 'join the queue again.',
  },
  // A join refused because the account is at the sale's limit: no further turn can buy.
  wr_at_limit_drop: {
    zh: '您已达到本次发售每个账户的限购数量，无法再次排队。',
    en: 'You have bought or hold as many as this sale allows per account: there is no further '
      + 'turn in this line for you.',
  },
  wr_at_limit_launch: {
    zh: '您已达到本次发布每人可下单的数量上限，无法再次排队。',
    en: 'You hold as many orders as this launch allows per person: there is no further turn '
      + 'in this line for you.',
  },
  wr_see_orders: { zh: '查看我的订单', en: 'See my orders' },
  wr_see_drop: { zh: '查看抢购页面与我的购买', en: 'See the drop and my purchases' },
  wr_no_room: {
    zh: '这个地址没有指明排队室。排队室的入口在各发布或抢购的页面上。',
    en: 'This address names no waiting room. Each sale\'s page links to its room.',
  },
  wr_to_launches: { zh: '查看发布', en: 'See the launches' },
  wr_to_drops: { zh: '查看限量发售', en: 'See the drops' },
  wr_off: {
    zh: '排队室已关闭：现在无需排队，可直接前往购买。本页仍为您保留位置，若排队室重新开启，位置依然有效。',
    en: 'The waiting room has been switched off: there is no queue now, so go straight on. '
      + 'This page keeps your place in case the room is switched back on.',
  },
  wr_go_off: { zh: '直接前往', en: 'Go on' },
  wr_join_again: { zh: '重新排队', en: 'Join the queue again' },
  wr_seed: {
    zh: '随机排序的种子承诺（sha256）：{c}',
    en: 'Commitment to the shuffle\'s seed (sha256): {c}',
  },
  wr_seed_revealed: {
    zh: '开售时随机排序使用的种子（现已公开）：{s}',
    en: 'The seed the opening\'s shuffle used (now published): {s}',
  },
  wr_check_draw: {
    zh: '核对抽签：种子的 sha256 应等于开售前公布的承诺；抽签名单按排名列出预排队中每个排队号的 sha256。'
      + '把这些 sha256 按升序排好，再用种子打乱（方法见 API 文档“Checking the draw”），'
      + '任何人都能得到与名单完全相同的顺序，无需相信服务器的任何说法。',
    en: 'Check the draw: the seed\'s sha256 must equal the commitment published before the '
      + 'opening; the draw lists every pre-queue ticket by its sha256, with its rank. Sort those '
      + 'hashes, shuffle them with the seed (the API documentation, "Checking the draw", says '
      + 'how), and anyone gets exactly the published order, taking nothing on the server\'s '
      + 'word.',
  },
  wr_draw_title: { zh: '抽签结果', en: 'The draw' },
  wr_draw_seed_ok: {
    zh: '已在本页核对：种子的 sha256 与开售前公布的承诺一致。',
    en: 'Checked on this page: the seed\'s sha256 equals the commitment published before the '
      + 'opening.',
  },
  wr_draw_seed_bad: {
    zh: '注意：种子的 sha256 与公布的承诺不一致。',
    en: 'Warning: the seed\'s sha256 does not equal the published commitment.',
  },
  wr_draw_count: { zh: '抽签名单共 {n} 个排队号。', en: 'Tickets in the draw: {n}.' },
  wr_draw_mine: { zh: '您的排队号在抽签中排第 {r} 位。', en: 'Your ticket drew rank {r}.' },
  wr_draw_not_mine: {
    zh: '您的排队号不在抽签名单中（您在开售后才加入，按到达顺序排在抽签名单之后）。',
    en: 'Your ticket is not in the draw: you joined after the opening, so you are behind it in '
      + 'order of arrival.',
  },
  // The recipe in full on the page (docs/api.md, "Checking the draw", is not served): the zh
  // page cited that English heading with no link (the new user's find 17).
  wr_draw_how: {
    zh: '重新计算方法：把名单中所有 ticket_hash 按升序排好；i 从最后一位递减到 1，依次取随机数流 sha256(种子 + ":" + 0)、'
      + 'sha256(种子 + ":" + 1)……中的下一个数 x（每个摘要按大端序读作 8 个 32 位无符号数；'
      + '不小于 floor(2^32 / (i + 1)) × (i + 1) 的数跳过），交换第 i 位与第 x mod (i + 1) 位。'
      + '最后名单即按名次排列（第 0 位为第 1 名）。',
    en: 'To recompute it: sort every entry\'s ticket_hash in ascending order; for i from the '
      + 'last place down '
      + 'to 1, take the next number x of the stream sha256(seed + ":" + 0), sha256(seed + ":" + '
      + '1), … (each digest read as eight 32-bit big-endian numbers; skip x while x >= '
      + 'floor(2^32 / (i + 1)) × (i + 1)) and swap places i and x mod (i + 1). The list then '
      + 'holds the hashes in rank order (place 0 is rank 1).',
  },
  wr_draw_raw: { zh: '原始数据（JSON）', en: 'The raw data (JSON)' },
  wr_draw_link: { zh: '查看抽签名单', en: 'See the draw' },
  wr_my_hash: {
    zh: '您的排队号在名单中的 sha256：{h}',
    en: 'Your ticket in the draw (its sha256): {h}',
  },
};
