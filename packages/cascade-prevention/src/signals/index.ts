export { type AnnouncementContext, announcementOf, DEFAULT_ANNOUNCEMENT_LIFETIME_SECONDS } from './announce.js';
export { tripOnEvidence } from './evidence.js';
export { type ReceiveResult, receiveAnnouncement, receiveFailureSignal } from './receive.js';
