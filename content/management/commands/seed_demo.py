"""`python manage.py seed_demo`: a small career-advice demo blog, safe to run again.

Everything is keyed on slugs and the username, so a second run creates nothing, and a post
is only saved when its content differs from the data below (its `updated_at` stays put).
The dates are fixed, not relative to "now", so reruns never move them.

The demo author has a well-known password: this is for local development only.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import transaction
from django_comments_xtd.models import XtdComment

from blog.models import PinnedPost, Post, Tag, Theme
from comments import moderation
from comments.models import Reason, State

DEMO_USERNAME = "author"
DEMO_PASSWORD = "demo-author-password"  # noqa: S105 - a documented demo-only credential
DEMO_USER = {
    "first_name": "Dana",
    "last_name": "Reyes",
    "email": "author@example.com",
    "is_staff": True,
    "is_superuser": True,
}
LOGIN_URL = "http://127.0.0.1:8000/admin/"

# Fixed dates: March to October 2026, then one post scheduled far ahead.
BASE_DATE = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
SCHEDULED_AT = datetime.datetime(2030, 1, 15, 9, 0, tzinfo=datetime.UTC)


def day(offset, hour=9, minute=0):
    """BASE_DATE + `offset` days, at hour:minute UTC."""
    return BASE_DATE + datetime.timedelta(days=offset, hours=hour - BASE_DATE.hour, minutes=minute)


THEMES = [
    {
        "slug": "job-search",
        "name": "Job Search",
        "description": "Planning a search, applying well, and keeping momentum when replies are slow.",
    },
    {
        "slug": "networking",
        "name": "Networking",
        "description": "Building and using real relationships: referrals, introductions and "
        "conversations that lead somewhere.",
    },
    {
        "slug": "social-media",
        "name": "Social Media",
        "description": "Using LinkedIn and other public profiles to be found, remembered and recommended.",
    },
    {
        "slug": "interviews",
        "name": "Interviews",
        "description": "Preparing for interviews, answering with evidence, and following up afterwards.",
    },
]

TAGS = [
    {"slug": "networking", "name": "networking"},
    {"slug": "referrals", "name": "referrals"},
    {"slug": "social-media", "name": "social media"},
    {"slug": "linkedin", "name": "LinkedIn"},
    {"slug": "job-search", "name": "job search"},
    {"slug": "recruiters", "name": "recruiters"},
    {"slug": "personal-branding", "name": "personal branding"},
    {"slug": "interviews", "name": "interviews"},
    {"slug": "cover-letters", "name": "cover letters"},
    {"slug": "informational-interviews", "name": "informational interviews"},
    {"slug": "salary", "name": "salary"},
]

PERSONAL_CONNECTIONS_SLUG = "personal-connections-still-get-people-hired"

# Posts, oldest first. "published_at": None with status "draft" is a draft.
POSTS = [
    {
        "slug": "social-media-and-job-search",
        "title": "Social Media and Job Search",
        "theme": "social-media",
        "tags": ["social-media", "job-search", "linkedin", "personal-branding"],
        "status": Post.Status.PUBLISHED,
        "published_at": day(6, 8, 30),
        "summary": "Hiring managers look you up before they call you. Here is how to make sure "
        "what they find helps rather than hurts.",
        "body": """
Before an interviewer meets you, there is a good chance they have typed your name into a search
box. That is not sinister; it is simply what busy people do when they want a little context. The
question is whether your public profiles give them *useful* context or leave them guessing.

## Decide what you want to be known for

Pick one sentence that describes the work you want next, not the job you happen to have now. For
example: "I build reporting tools that finance teams actually use." Every profile you keep public
should support that sentence. Anything that contradicts it, or simply distracts from it, can be
trimmed or made private.

## Audit what is already out there

Spend twenty minutes searching for yourself as a stranger would:

- Search your full name, then your name plus your city and your field.
- Open the first two pages of results, including images.
- Note anything outdated: an old job title, a dead portfolio link, a photo from ten years ago.
- Check the privacy settings of personal accounts you would rather keep personal.

You are not trying to erase your personality. You are making sure the first impression matches
the person who will show up to the interview.

## Make your main profile do the work

For most professional roles that profile is LinkedIn. Use the headline for your one sentence, add
two or three concrete results to your recent positions, and make sure the contact settings let a
recruiter actually reach you. A complete profile with a few specifics beats a long one full of
adjectives.

## Be visible, but lightly

You do not need to post every day. A useful rhythm for a job search is:

1. Once a week, comment thoughtfully on a post from someone in your target field.
2. Once or twice a month, share something you learned, with a sentence on why it matters.
3. Whenever a contact changes jobs or publishes something, congratulate them by name.

> Consistency matters more than volume. Ten careful comments will do more for you than one
> viral post.

## Keep it honest

Never inflate titles or claim results you cannot explain in detail. Interviewers compare your
profile with your CV and with what you say in the room, and small mismatches cost more trust than
a modest but accurate profile ever would.
""",
    },
    {
        "slug": "working-with-recruiters",
        "title": "Working With Recruiters: What They Can and Cannot Do for You",
        "theme": "job-search",
        "tags": ["recruiters", "job-search", "networking"],
        "status": Post.Status.PUBLISHED,
        "published_at": day(20, 10, 15),
        "summary": "Recruiters can open doors quickly, but they work for the hiring company. Knowing "
        "that makes you a better partner and a safer candidate.",
        "body": """
Recruiters are among the most useful people you can know during a job search, and among the most
misunderstood. Most of the frustration candidates feel comes from expecting a recruiter to be a
career coach. They are not: they are paid to fill specific roles[^fee], and they are very good at
it when you make their job easy.

## Know which kind you are talking to

- **In-house recruiters** work for one company and hire only for it. They know the team, the
  salary band and the interview process in detail.
- **Agency recruiters** work for several client companies. They may present you to more than one
  employer, but they only earn when a placement closes.

Ask early: "Are you with the company or with an agency, and which client is this for?" A good
recruiter will answer plainly.

## Make yourself easy to place

Recruiters juggle dozens of searches. Help them match you quickly:

1. Say what you want in one line: role, level, location, and whether you are open to remote work.
2. Share a realistic salary range and your notice period.
3. Send a CV that matches what you told them, with results in numbers where you have them.
4. Reply within a day, even if the answer is "not for me, thank you."

## Ask the questions that save everyone time

Before you agree to an interview, find out why the role is open, who you would report to, how many
interview rounds there are, and when they hope to decide. These answers tell you more about the job
than the posting does.

## Protect yourself

Never let an agency send your CV anywhere without asking you first. If two agencies submit you to
the same company, it can create an awkward dispute over who introduced you, and some employers
simply drop the candidate. Keep a short list of where you have been submitted, and by whom.

> A recruiter who respects you will tell you when a role is not a fit. Keep that person's number.

## Stay in touch after the search

When you land a job, thank the recruiters who helped, even those whose roles did not work out.
Many will call you again in two years, and some will ask you to recommend people from your network,
which makes you valuable to them in a completely different way.

[^fee]: Agency fees are usually paid by the employer, often as a share of the first year's salary.
    A candidate should never be asked to pay to be placed.
""",
    },
    {
        "slug": "informational-interviews-playbook",
        "title": "Informational Interviews: A Practical Playbook",
        "theme": "networking",
        "tags": ["informational-interviews", "networking", "interviews"],
        "status": Post.Status.PUBLISHED,
        "published_at": day(37, 14, 0),
        "summary": "A twenty-minute conversation with someone doing the job you want can teach you more "
        "than a week of reading postings. Here is how to ask for one and run it well.",
        "body": """
An informational interview is a short conversation in which you ask someone about their work. You
are not asking for a job. You are asking for perspective, and, if the conversation goes well, for
the name of one more person to talk to. That distinction is what makes people say yes.

## Who to ask

Start with people one or two steps removed from you: former colleagues, classmates, friends of
friends, people who spoke at an event you attended. Strangers can work too, but a shared
connection roughly doubles your chances of a reply.

## How to ask

Keep the request short, specific and easy to decline:

> Hi Priya, Sam Okafor suggested I get in touch. I am moving from teaching into instructional
> design and would value twenty minutes of your experience at a learning company. Would a call
> some time in the next two weeks work? If you are too busy, no problem at all.

Offer a time limit, mention why *them* in particular, and make declining painless.

## What to ask

Prepare five or six open questions and expect to use three:

1. What does a typical week look like in your role?
2. What surprised you most when you started?
3. Which skills separate people who do well here from those who struggle?
4. How do people usually get hired into teams like yours?
5. Is there anyone else you think I should talk to?

The fourth question often reveals whether the company hires through referrals, agencies or open
postings, which tells you where to spend your energy.

## How to behave

- Arrive on time and finish on time, even if the conversation is going well.
- Listen more than you speak; take brief notes.
- Do not attach your CV unless they ask for it.
- If they offer to pass it on, accept gracefully and send it the same day.

## Follow up

Send a thank-you message within twenty-four hours that mentions one specific thing you learned.
Then, a few weeks later, tell them what you did with their advice. People remember the ones who
come back with a result, and those are the ones they recommend when a role opens.
""",
    },
    {
        "slug": "cover-letter-someone-will-read",
        "title": "Writing a Cover Letter Someone Will Actually Read",
        "theme": "job-search",
        "tags": ["cover-letters", "job-search", "personal-branding"],
        "status": Post.Status.PUBLISHED,
        "published_at": day(55, 9, 45),
        "summary": "Most cover letters repeat the CV in longer sentences. A good one answers a single "
        "question: why this role, and why you, now?",
        "body": """
Hiring managers rarely read a cover letter from top to bottom. They skim the first few lines to
decide whether the rest deserves attention. That is not a reason to skip the letter; it is a reason
to write one that earns the next paragraph.

## Open with the match, not with yourself

Avoid "I am writing to apply for..." They know. Start instead with the connection between their
problem and your experience:

> Your posting mentions moving customer support onto a new ticketing system. I led exactly that
> migration at Northwind last year, and cut average response time by a third in the process.

In two sentences, the reader knows why you are worth a closer look.

## Keep it to three short sections

1. **The match**: one or two sentences tying their need to something you have done.
2. **The evidence**: two or three concrete results, each with a number or a specific outcome.
3. **The close**: why this company in particular, and a plain line inviting a conversation.

Anything beyond about 250 words is probably repeating your CV.

## Do your homework, visibly

Mention something real: a product launch, a talk their engineering lead gave, a value they publish
and actually seem to live by. One specific detail shows more interest than a paragraph of
enthusiasm.

## Mention your connection, if you have one

If someone at the company suggested you apply, say so in the first paragraph: "Maria Chen on the
data team suggested I apply." Referrals get read more closely, and naming the person lets the
manager ask them about you. Only do this with their permission.

## Edit ruthlessly

- Cut every sentence that would be equally true for any applicant.
- Replace adjectives ("passionate", "dynamic") with things you did.
- Read it aloud; if you stumble, the reader will too.
- Check the company name and the hiring manager's name twice.

## Reuse the structure, not the letter

Keep a library of your best evidence paragraphs and adapt them, but write the opening fresh for
every role. Readers can tell when a letter was written for them, and it is *that* feeling that
gets you the call.
""",
    },
    {
        "slug": "social-media-job-search-tactics",
        "title": "Social Media Job Search Tactics",
        "theme": "social-media",
        "tags": ["social-media", "job-search", "linkedin", "recruiters", "networking"],
        "status": Post.Status.PUBLISHED,
        "published_at": day(74, 11, 0),
        "summary": "Concrete, repeatable ways to use LinkedIn and other platforms to find openings early "
        "and reach the people behind them.",
        "body": """
A polished profile is the entry ticket. What actually moves a job search forward is what you *do*
with social media each week. These tactics take little time and work in most fields.

## Follow companies, then follow people

Make a list of fifteen to twenty organisations you would genuinely like to work for. Follow each
company page, then find three people there: someone in the team you want to join, a recruiter, and
a manager one level above the role. Their posts will tell you about new projects and open roles
well before a job board does.

## Turn on the right alerts

- Save job searches with specific titles and locations, and get notified daily.
- Set your profile to show recruiters that you are open to work; you can usually limit this so
  your current employer is not shown the signal.
- Follow relevant hashtags or groups, but mute the noisy ones within a week.

## Comment before you message

Cold messages to strangers are often ignored. A thoughtful comment on someone's post, followed a
week later by a short message, gets far more replies. A good comment adds something: an example, a
question, a respectful disagreement. "Great post!" adds nothing.

## Write messages people can answer quickly

> Hi Tom, I enjoyed your post about rebuilding the onboarding flow. I am a product designer looking
> at teams like yours. Is the designer role on your careers page still open, and would you be the
> right person to ask one or two questions about it?

Short, specific, and it ends with a question that can be answered in one line.

## Share your search, carefully

A short public post saying what you are looking for, with two or three examples of your work, can
reach people you would never have thought to ask. Be specific about the role, keep the tone
positive, and never criticise a current or former employer.

## Track what works

Once a week, note which messages got replies and which posts started conversations. Do more of what
worked and drop the rest. Social media rewards experiments, and a job search is a good time to run
a few.
""",
    },
    {
        "slug": "behavioral-interview-stories",
        "title": "Preparing Stories for Behavioral Interviews",
        "theme": "interviews",
        "tags": ["interviews", "job-search"],
        "status": Post.Status.PUBLISHED,
        "published_at": day(92, 16, 20),
        "summary": "Questions that start with \u201ctell me about a time\u201d reward preparation. Build "
        "a small bank of true stories and you can answer almost any of them calmly.",
        "body": """
"Tell me about a time you disagreed with your manager." Questions like this are designed to find out
how you actually behave at work, on the assumption that past behaviour predicts future behaviour.
You cannot guess every question, but you can prepare the material for nearly all of them.

## Build a story bank

Write down eight to ten real situations from the last few years. Aim for variety:

- a project that went well because of something you did;
- a mistake you made and how you fixed it;
- a conflict with a colleague or a client;
- a time you changed someone's mind;
- a deadline you were about to miss;
- a time you learned something quickly.

Most questions can be answered with one of these, framed slightly differently.

## Give each story a shape

Use a simple structure so your answer does not wander:

1. **Situation**: one or two sentences of context.
2. **Task**: what you were responsible for.
3. **Action**: what *you* did, in specific steps. This is the longest part.
4. **Result**: what happened, ideally with a number, and what you learned.

Keep it to about two minutes. If the interviewer wants more detail, they will ask.

## Say "I", not "we"

Teams matter, but the interviewer is hiring you. Describe your own decisions and actions. It is
fine to credit colleagues; just make sure your part is clear.

## Be honest about failures

> The best failure stories end with a change you still practise today.

When asked about a mistake, choose a real one with real consequences, own it without excuses, and
spend most of your answer on what you did next.

## Practise out loud

Reading notes is not the same as speaking. Tell each story to a friend, or record yourself, and
trim anything that does not serve the point. After two or three run-throughs, the stories will feel
natural without sounding memorised, which is exactly what interviewers hope to hear.
""",
    },
    {
        "slug": "run-your-job-search-like-a-project",
        "title": "Run Your Job Search Like a Small Project",
        "theme": "job-search",
        "tags": ["job-search", "networking", "referrals"],
        "status": Post.Status.PUBLISHED,
        "published_at": day(110, 8, 0),
        "summary": "A simple tracker and a weekly review turn a stressful, shapeless search into a "
        "process you can see and improve.",
        "body": """
Job searches feel chaotic because most of the work is invisible: messages that get no reply, forms
that disappear into a system, conversations that may or may not lead somewhere. Treating the search
like a small project makes the work visible, and visible work is much easier to improve.

## Keep one tracker

A spreadsheet is enough. Give every opportunity a row and keep the columns few:

| Company   | Role            | Source         | Contact      | Stage          | Next step      |
|-----------|-----------------|----------------|--------------|----------------|----------------|
| Northwind | Data analyst    | Referral       | Maria Chen   | First interview| Prep by Thu    |
| Fabrikam  | BI developer    | Job board      | none yet     | Applied        | Find a contact |
| Contoso   | Analytics lead  | Recruiter call | Tom Baker    | Screening      | Send salary    |

The **Source** column is the most useful one. After a month, it shows you which channels actually
produce interviews.

## Measure activity, not just outcomes

You cannot control who hires you, but you can control what you do each week. Set modest targets:

- five tailored applications;
- three conversations with people in your field;
- two follow-ups on earlier contacts;
- one piece of skill-building, such as a course module or a small portfolio project.

## Hold a weekly review

Every Friday, spend thirty minutes on three questions:

1. What moved forward this week, and why?
2. Where did things stall?
3. What will I do differently next week?

If most interviews come from referrals and none from job boards, shift your hours accordingly.
Many people find that a single warm introduction is worth more than a dozen cold applications.

## Protect your energy

A search can take months. Schedule it like a part-time job, with a start and an end to each day,
and take real breaks. Rejections are data about a particular role at a particular moment, not a
verdict on you.

> Treat every "no" as information: note the stage where it happened, and look for patterns across
> several of them rather than reading too much into one.

## Close the loop

When you accept an offer, update the tracker one last time and send a short note to everyone who
helped. That list is the start of your network for the next search.
""",
    },
    {
        "slug": "how-to-ask-for-a-referral",
        "title": "How to Ask for a Referral Without Making It Awkward",
        "theme": "networking",
        "tags": ["referrals", "networking", "job-search", "linkedin"],
        "status": Post.Status.PUBLISHED,
        "published_at": day(131, 13, 30),
        "summary": "Referrals are the fastest route to an interview, and most people are glad to give "
        "one when the request is clear and easy to act on.",
        "body": """
Asking for a referral can feel like asking for a favour you have not earned. In practice, many
employees are happy to refer good candidates: it helps their team, it reflects well on them, and
some companies pay a referral bonus. The awkwardness usually comes from a vague request, not from
the request itself.

## Check the relationship first

A referral puts a little of the referrer's reputation on the line. The closer you are, the easier
the ask:

- **Former colleagues** who saw your work are the strongest referrers.
- **Friends and classmates** can vouch for your character and introduce you to the team.
- **Newer contacts** are better asked for advice first; a referral may follow naturally.

## Make the request specific

Name the role, link to the posting, and explain in two sentences why you fit. Then give them an
easy way out:

> Hi Jordan, I saw that your team is hiring a platform engineer. I spent the last three years
> running our deployment pipeline and would love to be considered. Would you feel comfortable
> referring me? If not, I completely understand, and any advice on the team would still help.

## Do the work for them

Send a short package they can forward without editing:

1. your CV, named clearly (for example, *Jane-Doe-CV.pdf*);
2. a three-line summary of why you fit the role;
3. the job link or reference number.

The less effort the referral takes, the more likely it happens this week rather than next month.

## Respect their answer

If they hesitate, do not push. They may not know your work well enough, or the team may have a
candidate already. Thank them and keep the relationship warm.

## Close the loop

Tell your referrer how things went, whatever the outcome. If you get the job, thank them properly.
If you do not, thank them anyway. People who hear back are much more willing to help the next time,
and there is almost always a next time.
""",
    },
    {
        "slug": "fix-your-linkedin-profile-in-an-afternoon",
        "title": "Fix Your LinkedIn Profile in One Afternoon",
        "theme": "social-media",
        "tags": ["linkedin", "personal-branding", "social-media", "recruiters"],
        "status": Post.Status.PUBLISHED,
        "published_at": day(150, 15, 0),
        "summary": "A focused checklist for turning a neglected profile into one that recruiters find "
        "and read, in about three hours.",
        "body": """
Many people treat their LinkedIn profile like an old CV: updated once, then forgotten. Recruiters,
however, search it every day, and the search rewards profiles that are complete and specific. One
focused afternoon is usually enough to fix the basics.

## Hour one: the top of the profile

This is what appears in search results, so it matters most.

- **Photo**: a recent, well-lit head-and-shoulders shot. A plain background is fine.
- **Headline**: not just your job title. Say what you do and for whom, for example "Payroll
  specialist helping mid-size companies run clean, on-time payroll".
- **Location**: set the city where you want to work, not only where you live today.
- **Open to work**: choose the roles and locations you want; recruiters filter on these.

## Hour two: the About section and experience

Write the About section in the first person, in three short paragraphs: what you do, what you are
proud of, and what you are looking for. Then, for each recent role, add two or three bullet points
with outcomes rather than duties:

1. "Reduced month-end close from eight days to five" instead of "responsible for month-end close".
2. "Trained six new hires on the reporting stack" instead of "helped with onboarding".

## Hour three: proof and keywords

Look at five postings for the role you want and note the skills they repeat. Add the ones you
genuinely have to your skills section and mention them naturally in your experience. Then ask two
former colleagues for short recommendations, and offer to write one for them in return.

> Recruiters search for skills and titles. If the words in the posting never appear on your
> profile, you may simply never show up in their results.

## What to leave out

Skip the buzzwords ("results-driven", "guru"), long lists of every tool you have touched, and
anything you would not want to explain in an interview. A shorter profile that is accurate is far
more persuasive than a long one that is padded.

Once it is done, set a reminder to review the profile every three months. Small, regular updates
keep it current without another lost afternoon.
""",
    },
    {
        "slug": "questions-to-ask-at-the-end-of-an-interview",
        "title": "Questions Worth Asking at the End of an Interview",
        "theme": "interviews",
        "tags": ["interviews", "informational-interviews", "job-search"],
        "status": Post.Status.PUBLISHED,
        "published_at": day(168, 10, 0),
        "summary": "\u201cDo you have any questions for us?\u201d is your chance to learn whether you want "
        "the job, and to leave a last impression of how you think.",
        "body": """
Almost every interview ends with the same invitation, and many candidates waste it with a question
the careers page already answers. Good questions do two things at once: they get you information
you need to make a decision, and they show the interviewer how you think about the work.

## Ask about the work itself

- What would you want the person in this role to have achieved after six months?
- What is the hardest part of this job that the posting does not mention?
- How is success measured for this team, and who decides?

These invite specific answers and often reveal whether expectations are realistic.

## Ask about the team

- How does the team decide what to work on next?
- When people disagree about an approach, what usually happens?
- What has the last person in this role gone on to do?

The last question is especially telling. If people grow and move on to good things, that is a
healthy sign. If the interviewer hesitates, note it.

## Ask about the process

Always finish with the practical: "What are the next steps, and when can I expect to hear from
you?" It is perfectly polite, and it saves you a week of wondering.

## Questions to avoid early on

1. Salary and benefits in a first-round interview with a future colleague; save them for the
   recruiter or a later stage, unless they raise the subject.
2. Anything answered on the first page of the company's website.
3. Questions that sound like a complaint about your current job.

## Listen, then follow up

> A question you ask but do not listen to the answer of is worse than no question at all.

Take a note of one thing from each answer. Mention it in your thank-you message the same day: it
shows you were paying attention and gives the interviewer a reason to remember you. If you use the
same questions in informational interviews, you will also have something to compare across
companies when it is time to choose.
""",
    },
    {
        "slug": "revisit-social-media-and-job-search",
        "title": "Revisit Social Media and Job Search",
        "theme": "social-media",
        "tags": ["social-media", "job-search", "linkedin", "personal-branding", "networking"],
        "status": Post.Status.PUBLISHED,
        "published_at": day(190, 9, 15),
        "summary": "Six months after our first look at social media in the job search: what readers "
        "told us worked, what did not, and what we would change.",
        "body": """
Earlier this year we wrote about using social media in a job search: decide what you want to be
known for, audit what is already out there, and be visible but lightly. Since then readers have
sent in their own experiences, and a few lessons stand out clearly enough to share.

## What worked

- **Specific headlines.** Readers who replaced a bare job title with a one-line description of the
  work they wanted reported more messages from recruiters within weeks.
- **Comments before messages.** Commenting on someone's posts for a couple of weeks before
  messaging them led to far more replies than cold messages did.
- **Sharing small pieces of work.** A short write-up of a real project, with a screenshot or a
  number, started more conversations than opinion posts did.

## What did not

- **Posting daily.** Several people tried it and burned out within a month. Engagement did not rise
  with volume; it rose with usefulness.
- **Mass connection requests.** Adding hundreds of strangers grew follower counts but produced
  almost no interviews.
- **Vague "open to opportunities" posts.** Without a role, a location and an example of your work,
  nobody knew whom to forward them to.

## What we would change in our original advice

We underestimated how much social media works *through* people you already know. The best outcomes
readers described were rarely a stranger spotting a post. Far more often, a former colleague saw an
update, remembered the person, and passed their name to a hiring manager. Social media kept them in
mind; the relationship did the rest.

> Think of your profile as the place people check after someone has recommended you, not as a
> billboard that replaces the recommendation.

## An updated routine

1. Keep your main profile current, with a specific headline.
2. Spend fifteen minutes, three times a week, commenting on posts from people you know or want to
   know.
3. Once a month, share one piece of real work and what you learned from it.
4. Every time you see a contact's news, send a short personal message.

Small, steady and personal: that is what the evidence from readers supports.
""",
    },
    {
        "slug": PERSONAL_CONNECTIONS_SLUG,
        "title": "Personal Connections Still Get People Hired",
        "theme": "networking",
        "tags": ["networking", "referrals", "recruiters", "job-search", "social-media", "linkedin"],
        "status": Post.Status.PUBLISHED,
        "published_at": day(212, 8, 45),
        "summary": "Applications matter, but many jobs are filled through people who know people. Here "
        "is how that really works, and how to take part in it honestly.",
        "body": """
Online applications make job searching look like a numbers game: send enough CVs and something will
stick. Many people who have hired know a different picture. A large share of roles are filled
through personal connections, often before anyone outside the company hears about them.

## When applications go nowhere, knock on doors

If you have sent dozens of applications and heard nothing, the problem may not be your CV. It may be
the channel. Try going to people directly:

- Ask friends and former colleagues which teams are busy or growing.
- Contact a manager in a team you admire with a short, specific note about what you could do for
  them.
- Attend local meetups or industry events and follow up with the people you met within two days.

A conversation with one person who can say "come in and talk to us" is worth more than fifty forms.

## Many roles are filled before they are announced

When a team realises it needs someone, the first question is often "Do we know anyone?" Writing a
posting, screening hundreds of applicants and running interviews takes weeks. A referral from a
trusted colleague can shortcut most of that. By the time a vacancy is advertised, a referred
candidate may already be in the final round.

## Recruiters ask people they trust, too

Recruiters are under pressure to fill roles quickly with people who will stay. Before posting a
vacancy, many of them contact people they trust, such as past candidates, former colleagues and
people in their own networks, and ask: "Who would you recommend?" If your name comes up in those
conversations, you are in the race before it officially starts.

## Be open and honest with the people who could refer you

Nobody can recommend you for a role they do not know you want. Tell the people in your network,
plainly, what you are looking for and why:

1. Say what kind of role you want and what you are good at.
2. Be honest about your situation, including a layoff or a career change.
3. Ask for advice and introductions, not just for jobs.
4. Thank people, and tell them what happened.

> People refer those they trust, and trust grows from honesty, not from a perfect story.

## Where social media fits

Social media helps people remember you and shows what you can do, but the hire usually happens
through a relationship. Our posts on social media and the job search go into the details.
""",
    },
    {
        "slug": "following-up-after-an-interview",
        "title": "Following Up After an Interview Without Pestering",
        "theme": "interviews",
        "tags": ["interviews", "recruiters", "networking"],
        "status": Post.Status.PUBLISHED,
        "published_at": day(234, 12, 10),
        "summary": "A prompt thank-you, one well-timed check-in, and a gracious reply to a rejection: "
        "the follow-up habits that keep doors open.",
        "body": """
The interview ends, the door closes, and the waiting begins. What you do over the next few days
will not rescue a poor interview, but it can tip a close decision in your favour and keep a
relationship alive for the future.

## Send a thank-you the same day

Keep it short: three or four sentences. Thank the interviewer for their time, mention one specific
thing from the conversation, and restate in one line why you are interested. If you met several
people, send each a slightly different note; they often compare them.

> Thank you for the conversation this afternoon. I especially enjoyed hearing how the team moved to
> weekly releases, and it made me even more keen on the role. I look forward to hearing about the
> next steps.

## Wait for the date they gave you

If they said you would hear within a week, wait a week plus one working day. Then send a brief,
friendly check-in to the recruiter or your main contact:

- confirm you are still interested;
- ask whether there is an updated timeline;
- offer anything else they might need, such as references or a work sample.

One check-in is professional. Three in a week is pestering.

## Use the waiting time well

Do not pause your search while you wait. Keep applications and conversations going, so that a
single decision does not carry all your hopes. If you receive another offer, tell the first company
politely; it often speeds things up.

## Answer a rejection gracefully

A rejection is not always the end. Reply within a day:

1. Thank them for their time and for letting you know.
2. Ask, briefly, whether they have any feedback you could use.
3. Say you would be glad to be considered for future roles.

Candidates who come second are sometimes called back when the first choice declines or a similar
role opens a few months later. The people who get that call are the ones who left on good terms.

## Keep the connection

Connect with your interviewers on LinkedIn with a short personal note. Even if this job does not
work out, you now know people in a company you wanted to join, and that is a real gain.
""",
    },
    {
        "slug": "draft-negotiating-your-first-offer",
        "title": "Draft: Negotiating Your First Offer",
        "theme": "job-search",
        "tags": ["job-search", "salary", "interviews"],
        "status": Post.Status.DRAFT,
        "published_at": None,
        "summary": "Work in progress: how to respond to a first job offer calmly and with evidence.",
        "body": """
This post is still a draft, so only staff can see it. It will cover how to respond to a first
offer without fear of losing it.

## Outline

- Thank them and ask for the offer in writing before discussing numbers.
- Research the typical range for the role and location from at least two sources.
- Decide on your number, and the reason for it, before the call.
- Negotiate the whole package: start date, leave, training budget and flexible work.

## Notes for the final version

Add a short script for the phone call, and an example email asking for a day to consider the offer.
Remember that most employers expect a polite counter-offer and do not withdraw an offer because of
one.
""",
    },
    {
        "slug": "salary-conversations-for-people-who-hate-negotiating",
        "title": "Salary Conversations for People Who Hate Negotiating",
        "theme": "interviews",
        "tags": ["salary", "interviews", "job-search"],
        "status": Post.Status.PUBLISHED,
        "published_at": SCHEDULED_AT,
        "summary": "Scheduled for the future: simple, polite ways to talk about pay when it makes you uncomfortable.",
        "body": """
This post is scheduled, so it stays hidden until its publication date arrives.

## Why the conversation feels hard

Talking about money can feel greedy or confrontational. It helps to remember that the employer
raised the topic by making an offer, and that a clear, polite conversation is part of normal
hiring.

## Three phrases that do most of the work

1. "Thank you, I am excited about the role. Could I have a day to look at the full offer?"
2. "Based on my research and experience, I was expecting something closer to this figure."
3. "If the base salary is fixed, is there flexibility on the start date or the training budget?"

## Prepare, then stop talking

Know your range and the reason behind it. After you state your number, pause and let them answer.
The silence feels long, but it gives the other person room to say yes.
""",
    },
]

# Posts shown first under a post's Relevant Discussions, in this order.
PINS = {
    PERSONAL_CONNECTIONS_SLUG: [
        "social-media-and-job-search",
        "revisit-social-media-and-job-search",
        "social-media-job-search-tactics",
    ],
}


# Comments on the personal-connections post: a published reader comment with the author's
# threaded reply, and two comments waiting in the moderation queue (one held, one spam).
# Keyed on (post, email, text). "reply_to" names the key of the comment answered; "author"
# marks a comment written by the demo author (its name and email come from the user).
# IPs are from 192.0.2.0/24, reserved for documentation.
COMMENTS = [
    {
        "key": "jordan",
        "post": PERSONAL_CONNECTIONS_SLUG,
        "name": "Jordan Lee",
        "email": "jordan@example.com",
        "ip": "192.0.2.10",
        "submit_date": day(213, 18, 20),
        "state": State.PUBLISHED,
        "reason": Reason.SEEDED,
        "text": "Introducing yourself in person beats applying online, in my experience. I sent forty "
        "applications through job boards and heard back twice; one conversation at a local meetup "
        "turned into a referral and, three weeks later, an offer.",
    },
    {
        "key": "author-reply",
        "post": PERSONAL_CONNECTIONS_SLUG,
        "author": True,
        "reply_to": "jordan",
        "ip": "192.0.2.1",
        "submit_date": day(214, 8, 5),
        "state": State.PUBLISHED,
        "reason": Reason.SEEDED,
        "text": "Thank you for sharing this, Jordan! A referral after a single conversation is exactly "
        "what I hoped readers would see: the meetup did what forty applications could not. "
        "Congratulations on the offer.",
    },
    {
        "key": "held",
        "post": PERSONAL_CONNECTIONS_SLUG,
        "name": "Priya Shah",
        "email": "priya@example.com",
        "ip": "192.0.2.25",
        "submit_date": day(215, 12, 40),
        "state": State.HELD,
        "reason": Reason.FIRST_COMMENT,
        "text": "Does this work for remote roles too? Most of the companies I would like to join have "
        "no office near me, so meeting people in person is hard.",
    },
    {
        "key": "spam",
        "post": PERSONAL_CONNECTIONS_SLUG,
        "name": "Lucky Wins",
        "email": "promo@lucky-wins.example",
        "ip": "192.0.2.66",
        "submit_date": day(216, 3, 12),
        "state": State.SPAM,
        "reason": Reason.SPAM_WORD,
        "text": "great post, visit my betting site https://lucky-wins.example/bonus and "
        "https://lucky-wins.example/odds",
    },
]


def _body(text):
    return text.strip() + "\n"


class Command(BaseCommand):
    help = (
        "Create a small career-advice demo blog (author, themes, tags, posts, pins, comments). "
        "Safe to run again: existing rows are matched by slug or username and only updated when "
        "they differ. The demo author's password is public: use this for development only."
    )

    def handle(self, *args, **options):
        self.counts = {}
        with transaction.atomic():
            author = self.seed_author()
            themes = {data["slug"]: self.seed_theme(data) for data in THEMES}
            tags = {data["slug"]: self.seed_tag(data) for data in TAGS}
            posts = {data["slug"]: self.seed_post(data, author, themes, tags) for data in POSTS}
            for slug, targets in PINS.items():
                for position, target in enumerate(targets):
                    self.seed_pin(posts[slug], posts[target], position)
            seeded = {}
            for data in COMMENTS:
                seeded[data["key"]] = self.seed_comment(data, author, posts, seeded)

        for kind in ("users", "themes", "tags", "posts", "pins", "comments"):
            created, updated, unchanged = (
                self.counts.get((kind, outcome), 0) for outcome in ("created", "updated", "same")
            )
            self.stdout.write(f"{kind:>7}: {created} created, {updated} updated, {unchanged} unchanged")
        self.stdout.write(
            self.style.SUCCESS(
                f"Log in at {LOGIN_URL} as {DEMO_USERNAME} / {DEMO_PASSWORD} "
                "(a demo password, set only when the user is first created: never use it in production)."
            )
        )

    def count(self, kind, outcome):
        self.counts[kind, outcome] = self.counts.get((kind, outcome), 0) + 1

    def sync(self, obj, values):
        """Set `values` on `obj` and save it only if one of them differs. True if saved."""
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        for name in changed:
            setattr(obj, name, values[name])
        if changed:
            obj.save()
        return bool(changed)

    def seed_author(self):
        user, created = get_user_model().objects.get_or_create(username=DEMO_USERNAME, defaults=DEMO_USER)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            self.count("users", "created")
        else:
            # An existing account keeps its password and permissions: never escalate silently.
            self.count("users", "same")
        return user

    def seed_theme(self, data):
        values = {"name": data["name"], "description": data["description"]}
        theme, created = Theme.objects.get_or_create(slug=data["slug"], defaults=values)
        self.count("themes", "created" if created else "updated" if self.sync(theme, values) else "same")
        return theme

    def seed_tag(self, data):
        # Names are unique ignoring case: reuse a tag with the same name but another slug.
        tag = Tag.objects.filter(slug=data["slug"]).first() or Tag.objects.filter(name__iexact=data["name"]).first()
        if tag is None:
            tag = Tag.objects.create(slug=data["slug"], name=data["name"])
            self.count("tags", "created")
        else:
            self.count("tags", "same")
        return tag

    def seed_post(self, data, author, themes, tags):
        values = {
            "title": data["title"],
            "author_id": author.pk,
            "theme_id": themes[data["theme"]].pk,
            "summary": data["summary"],
            "body": _body(data["body"]),
            "status": data["status"],
            "published_at": data["published_at"],
            "allow_comments": True,
        }
        post, created = Post.objects.get_or_create(slug=data["slug"], defaults=values)
        updated = not created and self.sync(post, values)
        wanted_tags = {tags[slug].pk for slug in data["tags"]}
        if set(post.tags.values_list("pk", flat=True)) != wanted_tags:
            post.tags.set(wanted_tags)
            updated = updated or not created
        self.count("posts", "created" if created else "updated" if updated else "same")
        return post

    def seed_pin(self, post, target, position):
        values = {"position": position}
        pin, created = PinnedPost.objects.get_or_create(post=post, target=target, defaults=values)
        self.count("pins", "created" if created else "updated" if self.sync(pin, values) else "same")

    def seed_comment(self, data, author, posts, seeded):
        """One comment (comments.moderation.seed), keyed on (post, email, text).

        An existing comment is left as it is: a moderator may have approved or removed it since.
        """
        post = posts[data["post"]]
        if data.get("author"):
            name, email, user = author.get_full_name() or author.get_username(), author.email, author
        else:
            name, email, user = data["name"], data["email"], None
        comment = XtdComment.norel_objects.filter(
            content_type=ContentType.objects.get_for_model(Post),
            object_pk=str(post.pk),
            user_email=email,
            comment=data["text"],
        ).first()
        if comment is None:
            parent = seeded[data["reply_to"]] if data.get("reply_to") else None
            comment = moderation.seed(
                post,
                parent_id=parent.pk if parent else None,
                state=data["state"],
                reason=data["reason"],
                user=user,
                name=name,
                email=email,
                ip=data["ip"],
                submitted=data["submit_date"],
                text=data["text"],
            )
            self.count("comments", "created")
        else:
            self.count("comments", "same")
        return comment
