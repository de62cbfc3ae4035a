/** The Nexmark data model (the auction site of the Nexmark benchmark): persons, auctions, bids. Times in epoch ms. */
export interface Person {
  id: number;
  name: string;
  emailAddress: string;
  creditCard: string;
  city: string;
  state: string;
  dateTime: number;
}

export interface Auction {
  id: number;
  itemName: string;
  initialBid: number;
  reserve: number;
  dateTime: number;
  expires: number;
  seller: number;
  category: number;
}

export interface Bid {
  auction: number;
  bidder: number;
  price: number;
  channel: string;
  dateTime: number;
}

/** One event of the stream; exactly one field is set, as in Nexmark's Event. */
export interface NexmarkEvent {
  person?: Person;
  auction?: Auction;
  bid?: Bid;
  /** Event time (ms). */
  t: number;
}
