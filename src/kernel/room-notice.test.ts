// The rooms a sale's figures tell of: only a room switched on, from the rooms' own copy, and
// none from a copy not yet read (a prepared read then takes the handler's path).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { RoomNotices, roomNoticeView, type NoticedRoom } from './room-notice.js';

const room = (over: Partial<NoticedRoom>): NoticedRoom => ({ roomId: 'r', scope: 'drop',
  targetId: 'jacket', enabled: true, suspended: false, prequeueAtMs: 0, opensAtMs: 600_000,
  order: 'shuffle', ...over });

describe('room notices', () => {
  it('tell of the room switched on in front of a target, and of none otherwise', async () => {
    let reads = 0;
    const notices = new RoomNotices(async () => {
      reads++;
      return [room({}), room({ roomId: 'off', targetId: 'tee', enabled: false }),
        room({ roomId: 'l', scope: 'launch', targetId: 'jacket', suspended: true })];
    });
    assert.equal(notices.cachedNotice('drop', 'jacket'), undefined, 'not read yet');
    assert.equal((await notices.notice('drop', 'jacket'))?.roomId, 'r');
    assert.equal(notices.cachedNotice('drop', 'jacket')?.roomId, 'r');
    assert.equal(notices.cachedNotice('drop', 'tee'), null, 'a room switched off is none');
    assert.equal(notices.cachedNotice('launch', 'jacket')?.roomId, 'l', 'by scope and target');
    assert.equal(reads, 1);
    assert.deepEqual(roomNoticeView(room({ roomId: 'a b' })), { id: 'a b',
      prequeue_opens_at: '1970-01-01T00:00:00.000Z', opens_at: '1970-01-01T00:10:00.000Z',
      shuffle: true, suspended: false, url: '/waiting-room?room=a%20b' });
    assert.equal(roomNoticeView(null), null);
  });
});
