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
  wr_updated: { zh: '更新于 {t}', en: 'Last updated {t}' },
  wr_next: {
    zh: '接下来：轮到您时，本页会带您进入下单页面，并附上有效期 {m} 分钟的下单凭证。'
      + '刷新或短暂断网（{g} 分钟内）不会丢失位置。',
    en: 'What happens next: when it is your turn this page takes you to the order page with a '
      + 'pass valid for {m} minutes. A reload or a short disconnect (up to {g} minutes) keeps '
      + 'your place.',
  },
  wr_suspended: {
    zh: '排队暂停中，您的位置保留不变。',
    en: 'The queue is paused; your place is kept.',
  },
  wr_admitted: { zh: '轮到您了！', en: 'It is your turn!' },
  wr_pass_until: { zh: '下单凭证有效至 {t}', en: 'Your pass is valid until {t}' },
  wr_go: { zh: '前往下单', en: 'Go and order' },
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
    zh: '核对抽签：种子的 sha256 应等于开售前公布的承诺；抽签名单按排名列出预排队中每个排队号的 sha256，'
      + '任何人都可以用种子重新计算这一顺序（方法见 API 文档“Checking the draw”）。',
    en: 'Check the draw: the seed\'s sha256 must equal the commitment published before the '
      + 'opening; the draw lists every pre-queue ticket by its sha256, with its rank, and anyone '
      + 'can recompute that order from the seed (the API documentation, "Checking the draw", '
      + 'says how).',
  },
  wr_draw_link: { zh: '查看抽签名单', en: 'See the draw' },
  wr_my_hash: {
    zh: '您的排队号在名单中的 sha256：{h}',
    en: 'Your ticket in the draw (its sha256): {h}',
  },
};
