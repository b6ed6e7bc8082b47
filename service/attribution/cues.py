"""Small lexicons for attribution: cue verbs, titles, honorifics, pronouns, descriptor nouns.

Rules plus lexicons instead of a parser: the only spaCy models on the package index are
unofficial re-uploads, and news attribution is dominated by a few surface patterns
("Q," X said / X said: "Q" / X said Q) that word lists cover well (see RESEARCH.md).
All entries are lower case; callers lower-case tokens before lookup.
"""

from __future__ import annotations


def words_of(text: str) -> frozenset[str]:
    """A lexicon written as whitespace-separated words (easier to read and extend than a list)."""
    return frozenset(text.split())


# Dashes that introduce a speaker ("...” ― Sonya Herridge") or join a quote to its sentence.
DASHES = frozenset({"-", "–", "—", "―", "‒"})


# Finite reporting verbs: a subject next to one of these is the speaker. Verbs that look like
# cues but usually are not (address, believe, provide, show) are deliberately absent.
CUE_VERBS: frozenset[str] = words_of(
    """
    said says say added adds told tells wrote writes asked asks explained explains noted notes
    insisted insists warned warns argued argues claimed claims acknowledged acknowledges admitted
    admits announced announces replied replies stressed stresses tweeted tweets posted posts
    declared declares stated states continued continues concluded concludes suggested suggests
    responded responds recalled recalls remarked remarks observed observes complained complains
    confirmed confirms described describes called calls urged urges predicted predicts vowed vows
    promised promises boasted boasts joked jokes quipped quips conceded concedes countered counters
    mused muses pointed emphasised emphasized emphasises emphasizes reiterated reiterates
    maintained maintains contended contends charged charges alleged alleges demanded demands
    cautioned cautions lamented laments agreed agrees denied denies reported reports testified
    testifies shouted shouts yelled yells cried cries whispered whispers retorted retorts
    tweeting answered answers commented comments blasted blasts slammed slams praised praises
    hailed hails labelled labeled dubbed introduced introduces referred refers texted emailed
    messaged revealed reveals disclosed discloses indicated indicates signalled signaled
    mentioned mentions offered offers assured assures reminded reminds informed informs
    thundered exclaimed exclaims reasoned reasons wondered wonders speculated speculates
    proclaimed proclaims pledged pledges touted touts pondered ponders accused accuses chanted
    chants bragged brags mocked mocks decried decries derided derides criticized criticised
    criticizes criticises characterized characterised branded brands likened likens reads
    asserted asserts echoed echoes recounted recounts pleaded pleads snapped scoffed scoffs
    fumed griped grumbled groused railed rails ranted hinted hints objected objects protested
    protests interjected interjects advised advises instructed cited cites quoted quotes
    boomed repeated repeats barked retweeted confessed implied denounced denounces
    """
)

# Nouns that report speech when owned by a speaker ("Trump’s claim that ...", "in Forbes’ words").
SPEECH_NOUNS: frozenset[str] = words_of(
    """
    claim claims comment comments remark remarks statement statements words word tweet tweets
    message speech assertion argument warning promise pledge accusation response answer quote
    suggestion insistence description characterization view views call
    """
)

# Participles: "..., saying ...". They have no subject of their own; the speaker is the subject
# of the clause they hang off.
CUE_PARTICIPLES: frozenset[str] = words_of(
    """
    saying adding telling writing asking explaining noting insisting warning arguing claiming
    acknowledging admitting announcing replying stressing tweeting posting declaring stating
    continuing concluding suggesting responding recalling calling describing urging predicting
    vowing promising boasting joking conceding countering emphasising emphasizing reiterating
    maintaining contending charging alleging demanding cautioning lamenting confirming
    denying labelling labeling dubbing referring revealing indicating signalling signaling
    mentioning assuring reminding proclaiming pledging touting accusing chanting bragging
    mocking branding decrying deriding criticizing criticising characterizing likening
    asserting echoing recounting pleading hinting protesting citing quoting interjecting
    praising remarking yelling shouting chiding lecturing slamming hammering emailing
    retweeting quipping scoffing
    """
)

# Verbs that take a clause ("X said the deal was dead"): used for indirect speech without
# marks, where precision matters more than recall (narration must stay nobody's).
CLAUSE_CUES: frozenset[str] = words_of(
    """
    said says told tells added adds claimed claims argued argues warned warns insisted insists
    noted notes stressed stresses explained explains announced announces acknowledged
    acknowledges admitted admits confirmed confirms suggested suggests declared declares
    stated states predicted predicts wrote writes tweeted tweets reiterated reiterates
    maintained maintains contended contends alleged alleges conceded concedes
    """
)

# Words that may sit between a subject and its cue ("Trump also said", "she has repeatedly said").
CUE_GAP_WORDS: frozenset[str] = words_of(
    """
    also has have had later then once previously repeatedly recently reportedly again would will
    did does do never further quickly simply just later earlier subsequently since first
    initially separately privately publicly flatly angrily bluntly openly today yesterday
    already even still only frequently often always tersely curtly proudly
    """
)

# Honorifics and titles stripped from names ("Sir Keir Starmer" -> "Keir Starmer").
HONORIFICS: frozenset[str] = words_of(
    """
    mr mrs ms miss mx dr sir dame lord lady prof professor rev reverend hon honourable honorable
    madam madame monsieur herr frau
    """
)
TITLE_WORDS: frozenset[str] = words_of(
    """
    president vice prime minister secretary chancellor senator sen rep representative governor
    gov congressman congresswoman congressmember speaker leader chairman chairwoman chair
    mayor ambassador general gen lt col colonel admiral attorney justice judge chief spokesman
    spokeswoman spokesperson commissioner deputy foreign defence defense home interior state
    treasury finance health education energy press former first lady candidate nominee
    majority minority whip house senate king queen prince princess pope emperor premier
    director executive ceo founder co-founder host anchor analyst adviser advisor aide
    strategist pollster manager officer commander councillor councilman councilwoman
    mp mep mps envoy counsel sheriff professor economist spokesperson minister's chief-of-staff
    the u.s us uk u.k eu republican democratic democrat gop labour conservative tory
    american british russian ukrainian french german chinese israeli european
    """
)
# Nationality and place adjectives that pair with a title ("the Ukrainian president" matches
# "Ukrainian President Volodymyr Zelensky"). Spelling variants map to one key.
NATIONALITY_ALIASES: dict[str, str] = {
    "u.s": "us",
    "u.s.": "us",
    "american": "us",
    "america's": "us",
    "u.k": "uk",
    "u.k.": "uk",
    "british": "uk",
    "britain's": "uk",
    "ukraine's": "ukrainian",
    "russia's": "russian",
    "france's": "french",
    "germany's": "german",
}

PERSONAL_PRONOUNS: frozenset[str] = frozenset({"he", "she"})
PLURAL_PRONOUNS: frozenset[str] = frozenset({"they"})
NEUTER_PRONOUNS: frozenset[str] = frozenset({"it"})
# First/second person: the writer or the reader, never named as a speaker.
UNNAMEABLE_PRONOUNS: frozenset[str] = frozenset({"i", "we", "you"})
# "I" with a verb glued on ("I'm like, ..."): the first person, never a capitalised name. In an
# interview answer these, like "I", are the interviewee's (`FIRST_PERSON`).
FIRST_PERSON: frozenset[str] = frozenset(
    {"i", *(f"i{a}{v}" for a in "'’" for v in ("m", "ve", "d", "ll"))}
)
UNNAMEABLE_PRONOUNS = UNNAMEABLE_PRONOUNS | FIRST_PERSON
PRONOUNS = PERSONAL_PRONOUNS | PLURAL_PRONOUNS | NEUTER_PRONOUNS | UNNAMEABLE_PRONOUNS

DETERMINERS: frozenset[str] = frozenset({"the", "a", "an", "his", "her", "their", "its", "one"})

# Lower-case head nouns of descriptor speakers ("the minister", "a spokesman", "the campaign").
DESCRIPTOR_NOUNS: frozenset[str] = words_of(
    """
    president minister secretary chancellor senator governor congressman congresswoman mayor
    ambassador general spokesman spokeswoman spokesperson official officials aide aides adviser
    advisers advisor advisors campaign statement report memo letter lawyer lawyers attorney
    attorneys source sources spokesperson leader leaders candidate nominee chairman chairwoman
    chair director analyst analysts expert experts economist economists strategist strategists
    pollster pollsters committee panel department ministry government administration agency
    office company firm group organization organisation party board council court judge
    justice officer officers police prosecutor prosecutors investigators study survey poll
    magazine newspaper network paper website outlet blog reporter reporters journalist
    host anchor founder executive ceo commander diplomat diplomats envoy kremlin woman man
    people person voter voters supporter supporters critic critics member members activist
    activists protester protesters resident residents witness witnesses student students
    worker workers democrats republicans spokesmen staff staffer staffers team premier
    representative representatives lawmaker lawmakers legislator legislators republican democrat
    billionaire businessman mogul nominee ally allies opponent opponents rival rivals
    moderator moderators interviewer commentator commentators columnist columnists historian
    historians organizer organizers organiser organisers editor editors writer writers author
    authors delegate delegates donor donors professor professors scholar scholars researcher
    researchers scientist scientists employee employees
    """
)
# Lower-case modifiers allowed inside a descriptor ("the former secretary of state").
DESCRIPTOR_MODIFIERS: frozenset[str] = words_of(
    """
    former top senior chief deputy vice prime foreign defence defense federal state local
    presidential campaign press white house senior-level high-ranking longtime long-time
    retired current new ex-president of for and the a an its his her their us u.s. uk u.k.
    democratic republican national international independent conservative liberal
    one two three several many some other another unnamed anonymous
    """
)

# Sentence-initial capitalised words that are not names.
NON_NAME_WORDS: frozenset[str] = words_of(
    """
    the a an this that these those it its he she they we i you but and or so yet if when while
    as after before in on at for with by from of to into during since until although though
    because also however meanwhile still then there here what which who whom whose where why how
    speaking asked asking addressing following according echoing in-a earlier later last next
    monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december today yesterday tomorrow mr mrs ms dr sir
    his her their our my your not no yes both all some many most more much several each every
    one two three four five six seven eight nine ten first second third other another such
    said says told added moreover furthermore despite instead indeed even just now nevertheless
    nonetheless thus therefore perhaps maybe finally ultimately overall similarly likewise
    additionally besides otherwise regardless recently currently tonight asked rather yes
    indeed actually clearly obviously certainly sadly fortunately unfortunately
    like unlike within between among amid amidst without against through across toward towards
    upon via beyond unless whether ask well oh okay ok hey wow alas
    given nor good it's it’s there's there’s that's that’s what's what’s here's here’s
    let's let’s
    """
)

# Abbreviations whose trailing period does not end a sentence.
ABBREVIATIONS: frozenset[str] = words_of(
    """
    mr mrs ms dr st sen rep gov gen lt col sgt capt cmdr adm jr sr prof rev hon messrs mt ft
    jan feb mar apr jun jul aug sep sept oct nov dec no vs etc inc corp co ltd u.s u.k u.n d.c
    e.g i.e a.m p.m fig al approx dept est
    """
)

# Words that open a scare quote or a title rather than a quotation.
SCARE_QUOTE_MARKERS: frozenset[str] = frozenset(
    {"so-called", "so", "dubbed", "termed", "nicknamed", "titled", "entitled", "headlined"}
)

# A few common first names by gender, only to keep "she" off a man and "he" off a woman when
# resolving pronouns. Unknown names are compatible with any pronoun.
FEMALE_FIRST_NAMES: frozenset[str] = words_of(
    """
    hillary melania ivanka michelle nancy elizabeth kamala sarah sara theresa angela marine
    ursula kellyanne huma cheryl hope katrina kayleigh karine jen jennifer mary patricia linda
    barbara susan jessica karen lisa betty margaret sandra ashley kimberly emily donna michelle
    carol amanda melissa deborah stephanie rebecca laura sharon cynthia kathleen amy shirley
    anna angela ruth brenda pamela nicole katherine catherine christine samantha debra rachel
    carolyn janet virginia maria heather diane julie joyce victoria kelly christina joan evelyn
    lauren judith olivia martha cheryl megan andrea hannah jacqueline ann jean alice kathryn
    gloria teresa doris sara janice julia marie madison grace judy theresa beverly denise
    marilyn amber danielle brittany diana abigail jane natalie lori tiffany alexis kayla
    liz debbie dianne tulsi jill chelsea condoleezza madeleine sheryl rosie megyn katy
    priti yvette rachel kemi suella liz bridget lucy emma sophie charlotte nicola harriet
    """
)
MALE_FIRST_NAMES: frozenset[str] = words_of(
    """
    donald joe joseph barack bill george jeb ted marco bernie mike michael paul john james robert
    william david richard charles thomas christopher daniel matthew anthony mark steven stephen
    andrew kenneth kevin brian edward ronald timothy jason jeffrey ryan jacob gary nicholas eric
    jonathan larry justin scott brandon benjamin samuel gregory frank alexander raymond patrick
    jack dennis jerry tyler aaron jose adam henry nathan douglas zachary peter kyle walter ethan
    jeremy harold keith christian roger noah gerald carl terry sean austin arthur lawrence
    jesse dylan bryan jordan billy bruce albert willie gabriel logan alan juan wayne roy ralph
    randy eugene vincent russell elijah louis bobby philip johnny chris newt rudy reince
    corey jared stephen steve tim mitch chuck harry lindsey rand rick ben reince sean vladimir
    volodymyr keir emmanuel friedrich boris rishi tony gordon david nigel jeremy olaf sergei
    dmitry xi narendra benjamin recep justin kim john-paul hugh khalid
    """
)
FEMALE_MARKERS: frozenset[str] = frozenset(
    {
        "mrs",
        "ms",
        "miss",
        "madam",
        "dame",
        "lady",
        "queen",
        "princess",
        "congresswoman",
        "chairwoman",
        "spokeswoman",
    }
)
MALE_MARKERS: frozenset[str] = frozenset(
    {"mr", "sir", "lord", "king", "prince", "congressman", "chairman", "spokesman"}
)

# Roles written before a name that TITLE_WORDS does not hold (they rarely stand alone as a
# descriptor a title lookup could use): "Prosecutor Kama Melly", "coach Anna Kowalski".
ROLE_WORDS: frozenset[str] = words_of(
    """
    prosecutor coach captain capt assemblywoman assemblyman assemblymember lawmaker legislator
    inspector detective sergeant sgt constable superintendent officer lieutenant major
    corporal private trooper marshal warden principal headteacher dean provost rector
    chancellor bishop archbishop cardinal imam rabbi father pastor sister brother
    dr doctor nurse surgeon researcher scientist professor lecturer author writer
    journalist reporter editor columnist correspondent photographer producer presenter
    actor actress singer rapper artist musician player striker midfielder defender
    goalkeeper forward guard skipper manager chairperson chief head boss president vice
    secretary-general secretary general commander spokesman spokeswoman spokesperson
    attorney lawyer barrister solicitor judge magistrate coroner ombudsman auditor
    governor premier minister deputy mayor councillor councilor alderman senator sen
    congressman congresswoman rep representative ambassador consul envoy delegate
    activist campaigner organiser organizer founder co-founder owner ceo cfo cto coo
    executive director chair chairman chairwoman leader witness survivor resident voter
    current acting interim then former late outgoing incoming new veteran retired
    """
)
# Letters written after a name: "Kama Melly QC", "Jane Doe MP".
POST_NOMINALS: frozenset[str] = words_of("qc kc mp mep msp ms am mla mpp obe mbe cbe kbe phd jr sr")
# Last words of an organisation's name: a run ending in one names no person ("Leeds City
# Council"), and a person's name after one starts past it ("Amnesty International Man-kei Tam").
ORG_HEADS: frozenset[str] = words_of(
    """
    university college school academy institute institution council party police court
    department ministry foundation association company corporation corp inc ltd llc plc group
    agency commission committee service services union organization organisation
    partnership trust society club board office authority bureau centre center hospital
    church diocese brigade army navy force forces guard corps network news times post radio
    television tv airlines airways bank federation league government parliament assembly
    congress senate administration campaign media press team fc cabinet coalition alliance
    movement front fund programme program project laboratory lab observatory museum
    international worldwide
    """
)
