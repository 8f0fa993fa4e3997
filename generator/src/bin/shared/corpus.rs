//! Varied Romanian text for the benchmarks: a vocabulary of 6,000+ word forms with diacritics
//! (stems of the city's administrative language × Romanian endings, plus a few hundred common
//! words), drawn with a Zipf-like distribution, assembled into sentences that differ on every
//! page. Deterministic: the same seed writes the same corpus.

/// A small, fast, seeded generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const STEMS: &[&str] = &[
    "administr",
    "aprob",
    "document",
    "hotăr",
    "consili",
    "primări",
    "strad",
    "școal",
    "spați",
    "clădir",
    "întrețin",
    "reabilit",
    "moderniz",
    "investiț",
    "buget",
    "tax",
    "impozit",
    "contract",
    "achiziț",
    "lucrăr",
    "proiect",
    "regulament",
    "amenaj",
    "parcăr",
    "transport",
    "tramvai",
    "autobuz",
    "piaț",
    "parc",
    "grădiniț",
    "spital",
    "bibliotec",
    "muze",
    "teatr",
    "stadion",
    "bazin",
    "pod",
    "canal",
    "apeduct",
    "iluminat",
    "salubriz",
    "deșe",
    "colect",
    "recicl",
    "energ",
    "termoficar",
    "încălz",
    "locuinț",
    "cartier",
    "vecinătăț",
    "cetățen",
    "petiț",
    "sesiz",
    "consult",
    "dezbat",
    "comisi",
    "direcț",
    "servici",
    "birou",
    "compartiment",
    "funcționar",
    "angaj",
    "concurs",
    "post",
    "salari",
    "pensi",
    "ajutor",
    "asistenț",
    "protecț",
    "sănătăț",
    "medic",
    "farmac",
    "ambulanț",
    "pompier",
    "poliț",
    "circulaț",
    "semafor",
    "trotuar",
    "pist",
    "biciclet",
    "pieton",
    "vehicul",
    "garaj",
    "depozit",
    "teren",
    "intravilan",
    "extravilan",
    "urbanism",
    "autoriz",
    "construcț",
    "demol",
    "restaur",
    "patrimoni",
    "monument",
    "fațad",
    "acoperiș",
    "termoizol",
    "ferestr",
    "ușă",
    "lift",
    "scar",
    "subsol",
    "mansard",
    "balcon",
    "curt",
    "gard",
    "alee",
    "fântân",
    "statui",
    "plantaț",
    "arbor",
    "gazon",
    "flor",
    "irig",
    "drenaj",
    "asfalt",
    "pavaj",
    "bordur",
    "rigol",
    "marcaj",
    "indicator",
    "stați",
    "peron",
    "abonament",
    "bilet",
    "tarif",
    "subvenț",
    "finanț",
    "credit",
    "împrumut",
    "garanț",
    "licitaț",
    "ofert",
    "contestaț",
    "atribu",
    "recepț",
    "garanț",
    "avans",
    "factur",
    "plăț",
    "chiri",
    "concesiun",
    "închiri",
    "vânz",
    "cumpăr",
    "expropri",
    "despăgub",
    "inventar",
    "evalu",
    "expertiz",
    "studi",
    "analiz",
    "raport",
    "referat",
    "aviz",
    "acord",
    "protocol",
    "parteneriat",
    "asocier",
    "înfrățir",
    "festival",
    "manifestăr",
    "sărbăt",
    "concert",
    "expoziț",
    "spectacol",
    "competiț",
    "turne",
    "campionat",
    "echip",
    "student",
    "elev",
    "profesor",
    "părinț",
    "copil",
    "bătrân",
    "familie",
    "comunităț",
    "voluntar",
    "asociaț",
];

const ENDINGS: &[&str] = &[
    "", "are", "area", "ări", "ările", "ărilor", "ează", "ată", "ate", "ații", "ați", "ul", "ului", "ele", "elor", "ă",
    "ei", "ii", "ilor", "iune", "iunea", "iuni", "iunile", "iunilor", "ire", "irea", "iri", "irile", "irilor", "ator",
    "atorul", "atori", "atoare", "ism", "ist", "iști", "istă",
];

const COMMON: &[&str] = &[
    "și",
    "în",
    "de",
    "la",
    "pe",
    "cu",
    "pentru",
    "din",
    "prin",
    "către",
    "după",
    "până",
    "asupra",
    "privind",
    "conform",
    "potrivit",
    "între",
    "fără",
    "sub",
    "peste",
    "lângă",
    "care",
    "este",
    "sunt",
    "va",
    "vor",
    "se",
    "nu",
    "mai",
    "foarte",
    "toate",
    "fiecare",
    "orice",
    "acest",
    "această",
    "aceste",
    "acestor",
    "anul",
    "luna",
    "ziua",
    "municipiul",
    "Timișoara",
    "local",
    "locală",
    "public",
    "publică",
    "general",
    "generală",
    "nou",
    "nouă",
    "vechi",
    "mare",
    "mică",
    "principal",
    "principală",
    "necesar",
    "necesară",
    "anual",
    "anuală",
    "lunar",
    "total",
    "parțial",
    "integral",
    "urgent",
    "prioritar",
    "tehnic",
    "economic",
    "social",
    "cultural",
    "sportiv",
    "juridic",
    "financiar",
    "ecologic",
    "istoric",
    "central",
    "nordic",
    "sudic",
    "estic",
    "vestic",
    "Bega",
    "Fabric",
    "Iosefin",
    "Elisabetin",
    "Cetate",
    "Mehala",
    "Freidorf",
    "Ronaț",
    "Lipovei",
    "Aradului",
    "Șagului",
    "Buziașului",
];

/// The vocabulary: every stem with every ending, then the common words.
pub fn vocabulary() -> Vec<String> {
    let mut words: Vec<String> = STEMS.iter().flat_map(|s| ENDINGS.iter().map(move |e| format!("{s}{e}"))).collect();
    words.sort();
    words.dedup();
    // Shuffled once with a fixed seed, so frequency does not follow the alphabet.
    let mut rng = Rng::new(7);
    for i in (1..words.len()).rev() {
        words.swap(i, rng.below(i + 1));
    }
    // The common words are the most frequent.
    let mut all: Vec<String> = COMMON.iter().map(|w| (*w).to_owned()).collect();
    all.extend(words);
    all
}

/// Writes text from a vocabulary: Zipf-like word frequencies, sentences of 6–24 words.
pub struct Writer {
    words: Vec<String>,
    pub rng: Rng,
}

impl Writer {
    pub fn new(seed: u64) -> Writer {
        Writer { words: vocabulary(), rng: Rng::new(seed) }
    }

    pub fn vocabulary_size(&self) -> usize {
        self.words.len()
    }

    /// A word: rank r drawn with probability ∝ 1/r (log-uniform over the ranks).
    pub fn word(&mut self) -> &str {
        let n = self.words.len() as f64;
        let rank = (n.powf(self.rng.unit()) - 1.0) as usize;
        &self.words[rank.min(self.words.len() - 1)]
    }

    /// `n` words joined by spaces.
    pub fn words(&mut self, n: usize) -> String {
        let mut out = String::new();
        for i in 0..n {
            if i > 0 {
                out.push(' ');
            }
            let w = self.word().to_owned();
            out.push_str(&w);
        }
        out
    }

    /// A sentence: capitalised, a comma now and then, a full stop.
    pub fn sentence(&mut self) -> String {
        let n = 6 + self.rng.below(19);
        let mut s = self.words(n);
        if n > 12 {
            let at = s.match_indices(' ').nth(n / 2).map(|(i, _)| i);
            if let Some(i) = at {
                s.insert(i, ',');
            }
        }
        let mut chars = s.chars();
        let first: String = chars.next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
        format!("{first}{}.", chars.as_str())
    }

    /// A paragraph of `a..b` sentences.
    pub fn paragraph(&mut self, a: usize, b: usize) -> String {
        let n = a + self.rng.below(b - a + 1);
        (0..n).map(|_| self.sentence()).collect::<Vec<_>>().join(" ")
    }
}
