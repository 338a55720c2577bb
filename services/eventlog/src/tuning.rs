//! How much memory and disk a RocksDB database of casetrack may use: the one place the log (`store.rs`) and the
//! projector's store take their block cache, write buffers and compression from, so a process's RocksDB memory
//! is bounded by these settings whatever the size of the data, and not by RocksDB's per-column-family defaults
//! (64 MB of memtable per column family, up to two each, and index blocks held outside any cache).

use rocksdb::{BlockBasedIndexType, BlockBasedOptions, Cache, DBCompressionType, Options};

/// Table blocks (data, index and bloom filter blocks) one database keeps in memory, shared by all its column
/// families.
pub const BLOCK_CACHE_BYTES: usize = 64 << 20;
/// Memtables of all column families of one database together; beyond it RocksDB flushes the largest.
pub const WRITE_BUFFER_BYTES: usize = 64 << 20;
/// One column family's memtable: it is flushed to a table file when it reaches this size.
pub const MEMTABLE_BYTES: usize = 16 << 20;
/// Bits per key of the bloom filters that answer a point look-up of an absent key without reading a block.
pub const BLOOM_BITS_PER_KEY: f64 = 10.0;
/// Share of a point-looked-up column family's memtable given to a bloom filter over its whole keys, so that a
/// look-up of an absent key (a new event id, a new stream) skips the memtable's skip list as the table files'
/// filters let it skip their blocks.
pub const MEMTABLE_BLOOM_RATIO: f64 = 0.1;
/// Table blocks are compressed with LZ4: JSON bodies and repetitive keys shrink several-fold at a cost far
/// below a disk read.
pub const COMPRESSION: DBCompressionType = DBCompressionType::Lz4;

/// The settings of one open database: its block cache is shared by every column family opened with them.
pub struct StoreTuning {
    cache: Cache,
}

impl StoreTuning {
    pub fn new() -> StoreTuning {
        StoreTuning {
            cache: Cache::new_lru_cache(BLOCK_CACHE_BYTES),
        }
    }

    /// The database-wide options: the write buffers of all column families bounded together.
    pub fn db_options(&self) -> Options {
        let mut options = Options::default();
        options.set_db_write_buffer_size(WRITE_BUFFER_BYTES);
        self.table_options(&mut options);
        options
    }

    /// The options of one column family, drawing on the shared cache.
    pub fn cf_options(&self) -> Options {
        let mut options = Options::default();
        self.table_options(&mut options);
        options
    }

    /// The options of a column family read by point look-ups of keys that are mostly absent: with a memtable
    /// bloom filter besides the table files' ones.
    pub fn point_lookup_cf_options(&self) -> Options {
        let mut options = self.cf_options();
        filter_memtable(&mut options);
        options
    }

    /// The database-wide options of a database read mostly by point look-ups of absent keys (the projector's
    /// store: the state of a case met first, every key of a model after a rebuild).
    pub fn point_lookup_db_options(&self) -> Options {
        let mut options = self.db_options();
        filter_memtable(&mut options);
        options
    }

    fn table_options(&self, options: &mut Options) {
        options.set_write_buffer_size(MEMTABLE_BYTES);
        options.set_compression_type(COMPRESSION);
        let mut table = BlockBasedOptions::default();
        table.set_block_cache(&self.cache);
        // Index and filter blocks count against the cache too, so they cannot grow with the number of table
        // files; those of level 0, read by every look-up, stay pinned.
        table.set_cache_index_and_filter_blocks(true);
        table.set_pin_l0_filter_and_index_blocks_in_cache(true);
        table.set_bloom_filter(BLOOM_BITS_PER_KEY, false);
        // Partitioned: a table file's index and filter are blocks of the data blocks' size under a small
        // top-level index that stays pinned. Whole, a large file's index filled most of a cache shard and was
        // evicted by the next data block, so every seek read and decompressed it again.
        table.set_index_type(BlockBasedIndexType::TwoLevelIndexSearch);
        table.set_partition_filters(true);
        table.set_pin_top_level_index_and_filter(true);
        options.set_block_based_table_factory(&table);
    }
}

impl Default for StoreTuning {
    fn default() -> StoreTuning {
        StoreTuning::new()
    }
}

/// A bloom filter over the memtable's whole keys, so a look-up of an absent key skips its skip list.
fn filter_memtable(options: &mut Options) {
    options.set_memtable_prefix_bloom_ratio(MEMTABLE_BLOOM_RATIO);
    options.set_memtable_whole_key_filtering(true);
}
