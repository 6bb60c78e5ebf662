"""Word lists for the organisation generator: names, places, customer comments, stories, ideas, pulse items.

Name lists are chosen so praise matching is unambiguous where it should be: first names, nicknames
and surnames are disjoint word sets, none of them is an ordinary word of a comment template, and
all fold to plain ASCII letters (bench/org.py checks this at start-up).
"""
from __future__ import annotations

# (first name, nicknames customers may use); repeated first names across 5,000 people give
# several people of one name in many teams, so some praise is ambiguous, as in real life.
FIRST_NAMES = [
    ("Sofia", ""), ("Mateo", ""), ("Amara", ""), ("Kenji", ""), ("Priya", ""), ("José", "Pepe"),
    ("Ingrid", ""), ("Tomasz", "Tomek"), ("Leila", ""), ("Diego", ""), ("Mei", ""), ("Kwame", ""),
    ("Aisha", ""), ("Liam", ""), ("Olivia", "Liv"), ("Noah", ""), ("Emma", ""), ("Lucas", ""),
    ("Chloé", ""), ("Hugo", ""), ("Léa", ""), ("Louis", ""), ("Camille", ""), ("Jules", ""),
    ("Lukas", ""), ("Hannah", ""), ("Jonas", ""), ("Lena", ""), ("Felix", ""), ("Anja", ""),
    ("Giulia", ""), ("Lorenzo", ""), ("Francesca", "Fran"), ("Alessandro", "Sandro"), ("Chiara", ""),
    ("Matteo", ""), ("Lucía", ""), ("Javier", "Javi"), ("Carmen", ""), ("Pablo", ""), ("Marta", ""),
    ("Alejandro", "Alex"), ("Alexander", "Alex"), ("Katherine", "Kate"), ("Elizabeth", "Liz"),
    ("Christopher", "Chris"), ("Samuel", "Sam"), ("Samantha", "Sam"), ("Daniel", "Dan"),
    ("Daniela", "Dani"), ("Mohammed", "Mo"), ("Ahmed", ""), ("Fatima", ""), ("Omar", ""), ("Yusuf", ""),
    ("Zeynep", ""), ("Emre", ""), ("Elif", ""), ("Mehmet", ""), ("Nadia", ""), ("Karim", ""),
    ("Layla", ""), ("Hassan", ""), ("Amir", ""), ("Reza", ""), ("Arjun", ""), ("Ananya", ""),
    ("Rahul", ""), ("Vikram", "Vik"), ("Deepika", ""), ("Rohan", ""), ("Kavya", ""), ("Ishaan", ""),
    ("Aditi", ""), ("Sanjay", ""), ("Wei", ""), ("Jing", ""), ("Hao", ""), ("Xiu", ""), ("Yuki", ""),
    ("Haruto", ""), ("Sakura", ""), ("Takumi", ""), ("Minh", ""), ("Linh", ""), ("Thanh", ""),
    ("Jae", ""), ("Seo", ""), ("Ji", ""), ("Min", ""), ("Chidi", ""), ("Ngozi", ""), ("Emeka", ""),
    ("Adaeze", ""), ("Tunde", ""), ("Folake", ""), ("Thabo", ""), ("Lerato", ""), ("Sipho", ""),
    ("Zanele", ""), ("Kofi", ""), ("Abena", ""), ("Wanjiru", ""), ("Otieno", ""), ("Joao", ""),
    ("Beatriz", "Bia"), ("Rafael", "Rafa"), ("Gabriela", "Gabi"), ("Thiago", ""), ("Larissa", ""),
    ("Valentina", "Vale"), ("Santiago", "Santi"), ("Camila", ""), ("Andrés", ""), ("Ximena", ""),
    ("Patrick", ""), ("Siobhan", ""), ("Niamh", ""), ("Declan", ""), ("Aoife", ""), ("Ciaran", ""),
    ("Olga", ""), ("Dmitri", ""), ("Anastasia", "Nastya"), ("Ivan", ""), ("Katarzyna", "Kasia"),
    ("Piotr", ""), ("Agnieszka", ""), ("Magdalena", "Magda"), ("Erik", ""), ("Astrid", ""),
    ("Lars", ""), ("Freya", ""), ("Nils", ""), ("Sigrid", ""), ("Malik", ""), ("Jamal", ""),
    ("Keisha", ""), ("Tyrone", ""), ("Marcus", ""), ("Naomi", ""), ("Ethan", ""), ("Madison", ""),
    ("Tyler", ""), ("Brooke", ""), ("Connor", ""), ("Megan", ""), ("Ruth", ""), ("David", "Dave"),
    ("Miriam", ""), ("Eli", ""), ("Tamar", ""), ("Yosef", ""), ("Ana", ""), ("Luis", ""), ("Elena", ""),
    ("Sergio", ""), ("Irene", ""), ("Nikos", ""), ("Eleni", ""), ("Dimitra", ""), ("Andrei", ""),
    ("Ioana", ""), ("Mihai", ""), ("Bogdan", ""),
]

SURNAMES = [
    "Okafor", "Tanaka", "García", "Rossi", "Sharma", "Adeyemi", "Johansson", "Kowalski", "Haddad", "Chen",
    "Nguyen", "Kim", "Park", "Singh", "Patel", "Gupta", "Iyer", "Reddy", "Banerjee", "Mehta",
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann",
    "Dubois", "Moreau", "Laurent", "Lefebvre", "Girard", "Bonnet", "Fontaine", "Rousseau",
    "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo",
    "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Díaz", "Romero", "Navarro", "Torres",
    "Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Carvalho", "Almeida", "Ribeiro",
    "Murphy", "Kelly", "Byrne", "Walsh", "Ryan", "Doyle", "McCarthy", "Gallagher",
    "Smith", "Jones", "Williams", "Taylor", "Davies", "Evans", "Thompson", "Roberts", "Robinson",
    "Wright", "Walker", "Hughes", "Edwards", "Clarke", "Harris", "Jackson", "Lewis",
    "Ivanova", "Petrov", "Sokolov", "Volkova", "Nowak", "Wiśniewski", "Wójcik", "Kamińska",
    "Andersson", "Nilsson", "Larsen", "Hansen", "Berg", "Lindqvist", "Dahl",
    "Yilmaz", "Kaya", "Demir", "Şahin", "Çelik", "Aydın", "Hosseini", "Karimi", "Rahimi",
    "Mensah", "Boateng", "Asante", "Owusu", "Nkosi", "Dlamini", "Mokoena", "Kariuki", "Mwangi",
    "Eze", "Nwosu", "Balogun", "Adebayo", "Ibrahim", "Mahmoud", "Mansour", "Khoury", "Nasser",
    "Wang", "Zhang", "Liu", "Huang", "Zhao", "Yamamoto", "Watanabe", "Suzuki", "Sato", "Takahashi",
    "Tran", "Pham", "Hoang", "Vu", "Choi", "Jung", "Kang", "Yoon",
    "Cohen", "Levi", "Mizrahi", "Friedman", "Papadopoulos", "Georgiou", "Popescu", "Ionescu",
    "Hernández", "Ramírez", "Flores", "Vargas", "Castillo", "Morales", "Ortiz", "Reyes",
]

# (region, IANA zone of most people there, cities)
REGIONS = [
    ("UK & Ireland", "Europe/London", ["London", "Manchester", "Leeds", "Glasgow", "Bristol", "Cardiff"]),
    ("France & Benelux", "Europe/Paris", ["Paris", "Lyon", "Lille", "Brussels", "Amsterdam", "Nantes"]),
    ("Central Europe", "Europe/Berlin", ["Berlin", "Munich", "Hamburg", "Vienna", "Zurich", "Prague"]),
    ("Southern Europe", "Europe/Madrid", ["Madrid", "Barcelona", "Lisbon", "Milan", "Rome", "Valencia"]),
    ("North America East", "America/New_York", ["New York", "Boston", "Toronto", "Atlanta", "Philadelphia"]),
    ("North America West", "America/Los_Angeles", ["Los Angeles", "Seattle", "Vancouver", "Denver", "Portland"]),
    ("Latin America", "America/Sao_Paulo", ["Sao Paulo", "Rio", "Bogota", "Lima", "Santiago de Chile"]),
    ("Africa & Middle East", "Africa/Johannesburg", ["Johannesburg", "Cape Town", "Lagos", "Nairobi", "Dubai"]),
    ("India", "Asia/Kolkata", ["Mumbai", "Bengaluru", "Pune", "Chennai", "Hyderabad", "Delhi"]),
    ("Asia Pacific", "Asia/Singapore", ["Singapore", "Sydney", "Tokyo", "Manila", "Seoul", "Auckland"]),
]
# Zones of the few people working away from their region.
REMOTE_ZONES = ["Europe/Lisbon", "Europe/Warsaw", "America/Chicago", "America/Mexico_City", "Asia/Dubai",
                "Asia/Manila", "Australia/Melbourne", "Africa/Lagos", "Pacific/Auckland", "America/Halifax"]

# (function of a department, short name of its teams, customer metrics its teams collect)
FUNCTIONS = [
    ("Stores", "Store", ["csat,nps,ces", "csat,nps", "csat"]),
    ("Customer Care", "Care", ["csat,ces", "csat,nps,ces", "ces"]),
    ("Field Service", "Field", ["csat,nps", "nps", "csat,nps,ces"]),
    ("Deliveries", "Delivery", ["csat", "csat,ces"]),
]

COMPANY_VALUES = [
    ("Customer first", "We start from what the customer needs."),
    ("Own it", "We take a problem as ours and see it through."),
    ("Go the extra mile", "Small surprises that make someone's day."),
    ("Team spirit", "We help each other shine."),
    ("Keep it simple", "We make things easy for customers and colleagues."),
    ("Speak up", "We say what we see, kindly and plainly."),
]

# Customer comments. {names}: people of the team, as the customer spelled them.
PRAISE_NAMING = [
    "{names} was wonderful, so patient and kind with us.",
    "Huge thanks to {names} who went out of the way to help me find the right size.",
    "{names} made my day, brilliant service from start to finish.",
    "Please tell {names} that the advice saved me a lot of money. Will be back.",
    "Ask for {names}, the most helpful person I have met in a long while.",
    "Thanks to {names} for the lovely welcome and the quick help.",
    "Despite the mix-up with my order, {names} sorted it out in ten minutes and even called me back.",
    "My delivery was late but {names} fixed everything and kept me posted. Fantastic.",
    "The first repair failed, then {names} came back, replaced the part and apologised. Excellent.",
    "{names} went above and beyond, I am very grateful.",
    "Really impressed with {names}, friendly, clear and fast.",
    "I came in annoyed and left happy thanks to {names}.",
]
# Praise naming the customer's own relative: masked by matching, credits nobody.
PRAISE_RELATIVE = "My husband {relative} loved the service here, thank you so much."
PRAISE_PLAIN = [
    "Great service, thank you!",
    "Quick and friendly, very happy.",
    "Lovely staff and a smooth visit.",
    "Excellent, everything was easy.",
    "Really helpful team, thanks a lot.",
    "Best experience I have had in a long time.",
    "Problem solved on the first call, brilliant.",
]
NEUTRAL = [
    "It was fine.",
    "Okay overall, the queue was a bit long.",
    "Average visit, nothing special.",
    "Took a while but we got there.",
    "The website and the shop said different prices.",
    "Parking was difficult.",
]
COMPLAINTS = [
    "Waited forty minutes and nobody came to help.",
    "Nobody called me back as promised.",
    "The item was out of stock again, wasted trip.",
    "Rude and unhelpful on the phone.",
    "The engineer did not turn up and there was no call to warn me.",
    "Charged twice and still waiting for the refund.",
    "Terrible experience, I will not come back.",
]
HELPER_WORDS = "Who helped you today?"

STORIES_PROACTIVE = [
    "{first} noticed a customer struggling with three bags and a toddler, carried everything to the car and came back with a sticker for the little one.",
    "A regular mentioned an exam in the family; the next week {first} remembered and asked how it went. The customer said it made their month.",
    "{first} spotted that a customer was about to buy the wrong adapter for a trip, explained why, and found the right one before being asked.",
    "{first} stayed on the line to walk an elderly customer through setting up a new phone, step by step, until the first photo came through.",
    "Without being asked, {first} rearranged a delivery so a customer recovering from surgery would not have to climb the stairs.",
    "{first} learned a few words of Portuguese for a family who visit every month. They now ask for {first} by name.",
    "{first} made a quick guide for the new self-checkout and hands it to every customer who looks unsure. Queues are down.",
    "A nervous first-time buyer left with a plan, a printed checklist from {first}, and a smile.",
    "{first} greeted a regular by name, remembered the usual order and had it ready before they reached the till.",
]
STORIES_RECOVERY = [
    "The order arrived in the wrong colour the day before a wedding. {first} drove the right one over after closing time.",
    "A customer had been passed between three teams about a double charge. {first} owned it, fixed the refund in one call and rang back to check it had landed.",
    "Despite a system outage, {first} kept the queue moving with pen and paper, and nobody left without what they came for.",
    "A parcel went missing before a birthday; {first} found a replacement in another location and had it couriered the same day.",
    "The repair failed a second time. {first} apologised, replaced the unit on the spot and followed up a week later.",
    "The wrong fridge was delivered. {first} stayed on the phone with the warehouse until the right one was on a van.",
]
STORY_FROM_FEEDBACK = "A customer wrote in about {first}: \"{words}\" That is exactly who we want to be."
DECLINE_REASONS = [
    "This is part of the normal job; let us keep hero stories for the exceptional.",
    "Already celebrated in another story last week.",
    "Please add what the customer said and nominate again.",
]

IDEAS = [
    ("idea", "Open a second till automatically when the queue passes five people", "A simple rule and a buzzer to the stockroom.", ["queues", "checkout"]),
    ("obstacle", "The stock system shows items that are not on the shelves", "Customers come in for something the website promised.", ["stock", "website"]),
    ("idea", "Let staff give a small goodwill voucher without calling a manager", "Fixing a bad day on the spot beats an apology e-mail.", ["empowerment", "recovery"]),
    ("idea", "Call-back instead of waiting on hold", "Offer a call-back slot after two minutes on hold.", ["phone", "waiting"]),
    ("obstacle", "Customers repeat their problem to every agent", "The case notes do not follow the customer between teams.", ["handover"]),
    ("idea", "Refund status page customers can check themselves", "Half our calls are about where a refund is.", ["refunds", "self-service"]),
    ("idea", "Text customers when the engineer is 30 minutes away", "Nobody likes waiting in all day.", ["arrival", "sms"]),
    ("obstacle", "Vans are sent out without the right parts", "A second visit for a missing part is the top complaint.", ["parts"]),
    ("idea", "Take the old appliance away by default", "Customers expect it and it takes ten minutes.", ["installation"]),
    ("obstacle", "Rescheduled deliveries are not told to customers", "The system changes the slot silently.", ["delivery", "communication"]),
    ("idea", "Send a thank-you note after a complaint is resolved", "Closing the loop turns critics into fans.", ["recovery"]),
    ("idea", "Shared list of promised call-backs", "We promise, then forget. A shared list would fix it.", ["follow-up"]),
    ("idea", "Quiet hour for customers who find the shop overwhelming", "Lower music and lights one morning a week.", ["accessibility"]),
    ("obstacle", "The handheld scanners freeze several times a day", "Customers wait while we restart them.", ["tools"]),
    ("idea", "Photo of the finished job sent to the customer", "Proof of a tidy job, and a nice touch.", ["installation"]),
]
IDEA_MESSAGES = {
    "under review": ["Good one. Checking what it would take.", "Looking at the numbers before we decide."],
    "planned": ["Agreed. Planned for next month.", "We will do this; budget approved for next quarter."],
    "in progress": ["Started this week as a trial in two places.", "First teams trained."],
    "implemented": ["Live everywhere now. Thank you for pushing for it!", "Done. Customers noticed within days."],
    "declined": ["Not now: the cost is out of reach this year. Thanks for raising it.",
                 "We looked hard at this, but the rules do not allow it."],
    "duplicate": ["Same as an earlier idea: votes and followers moved there."],
}
IDEA_COMMENTS = [
    "Yes please, this happens every single week.",
    "We tried something similar before and it worked.",
    "Could we trial it in one location first?",
    "Customers asked me about this only yesterday.",
    "Happy to help set this up.",
    "Small change, big difference.",
]

# The pulse question bank: two 1-5 agreement items per driver, and the eNPS question.
PULSE_ITEMS = {
    "recognition": ["When I do good work, someone notices and says so.", "The effort I put in is valued here."],
    "feedback": ["I know how I am doing, because people tell me plainly and kindly.",
                 "The feedback I get helps me do my job better."],
    "growth": ["I am learning things here that make me better at my work.",
               "I can see where I could go next in this organisation."],
    "empowerment": ["I can put a customer's problem right without first asking for permission.",
                    "I am trusted to use my judgement with customers."],
    "tools": ["I have the tools and information I need to help customers well.",
              "Our systems make my work easier rather than harder."],
    "manager": ["My manager makes time for me when I need it.", "I trust my manager to be fair with me."],
    "peers": ["The people I work with help each other out.", "I feel I belong in my team."],
    "purpose": ["I understand how my work makes a difference to our customers.",
                "I am proud of what this organisation does."],
    "wellbeing": ["My workload is something I can manage over a normal week.",
                  "I can switch off from work when my day is done."],
    "customer_focus": ["In my team, doing right by the customer comes first.",
                       "We talk about what customers tell us and act on it."],
}
ENPS_ITEM = "How likely are you to recommend working here to a friend?"
PULSE_COMMENTS_GOOD = [
    "The new rota makes it much easier to plan my week.",
    "Our team lead always makes time to listen.",
    "Good week, customers were lovely and we helped each other out.",
]
PULSE_COMMENTS_BAD = [
    "The scanners keep freezing and customers wait.",
    "Too many people off sick and nobody covering.",
    "We need permission for every little thing, it slows customers down.",
]
PULSE_REPLIES = ["Thank you for saying this. Let us talk about it at Monday's huddle.",
                 "Heard. I have raised it with the area lead and will come back to you."]
AUTHOR_REPLIES = ["Thanks, that would help a lot."]
