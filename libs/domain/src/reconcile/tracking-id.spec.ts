import { describe, expect, it } from '@jest/globals';
import { isTrackedBy, TRACKING_ID_ANNOTATION, trackingIdFor, withTrackingId } from './tracking-id';

describe('tracking id (Argo CD annotation tracking)', () => {
  const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } };

  it.each([
    [deploy, 'guestbook:apps/Deployment:shop/web'],
    [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, 'guestbook:/Namespace:/shop'],
  ])('formats %j', (obj, expected) => {
    expect(trackingIdFor('guestbook', obj)).toBe(expected);
  });

  it('marks a copy, keeps other annotations, and recognises its own objects only', () => {
    const marked = withTrackingId('guestbook', {
      ...deploy,
      metadata: { ...deploy.metadata, annotations: { a: 'b' } },
    });
    expect(marked.metadata.annotations).toEqual({
      a: 'b',
      [TRACKING_ID_ANNOTATION]: 'guestbook:apps/Deployment:shop/web',
    });
    expect(isTrackedBy('guestbook', marked)).toBe(true);
    expect(isTrackedBy('other', marked)).toBe(false);
    const copied = { ...marked, metadata: { ...marked.metadata, name: 'web-copy' } };
    expect(isTrackedBy('guestbook', copied)).toBe(false);
  });
});
